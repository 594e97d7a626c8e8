import { checkPassword } from '@cityleague/domain';

import { CreditCodeTaken, WeakPassword } from '../accounts/account.errors.js';
import { findPrincipal } from '../accounts/account.repository.js';
import {
  PASSWORD_RULE_TEXT,
  hashPassword,
  insertAccountWithOrganisation,
  signIn,
  signOut,
  translateUniqueViolation,
  type CheckedAccount,
  type OpenedSession,
} from '../accounts/account.service.js';
import { PRESET_USERNAME_PREFIX } from '../accounts/preset-street-accounts.service.js';
import { recordAudit } from '../audit/audit.repository.js';
import { isUniqueViolation, type Db, type Executor } from '../db/database.js';
import { findDivision } from '../divisions/division.service.js';
import { withFieldErrors } from '../http/problem.js';
import { sessionForUser, tokenHash } from './portal-login.service.js';
import {
  PortalAccountLinked,
  PortalNotPresetStreet,
  PortalNotShanghaiDistrict,
  PortalRegistrationClosed,
  PortalRegistrationRequired,
} from './portal.errors.js';
import * as repository from './portal.repository.js';

/** Account types an organisation may register as through the portal. */
export const SELF_REGISTRATION_TYPES = [
  'contractor',
  'district_bureau',
  'community_association',
] as const;
export type SelfRegistrationType = (typeof SELF_REGISTRATION_TYPES)[number];

/** Types that wait for the operator's approval; contractors may file only under contracts. */
const NEEDS_APPROVAL = new Set<SelfRegistrationType>(['district_bureau', 'community_association']);

const CITY_CODE = '3101';
const PRESET_USERNAME = new RegExp(`^${PRESET_USERNAME_PREFIX}\\d{3,}$`);
const EDITABLE_STATUSES = new Set(['started', 'rejected']);

type Registration = NonNullable<Awaited<ReturnType<typeof repository.findRegistrationByToken>>>;

async function registrationOf(db: Executor, token: string | undefined): Promise<Registration> {
  const registration = token
    ? await repository.findRegistrationByToken(db, tokenHash(token))
    : undefined;
  if (!registration) throw new PortalRegistrationRequired();
  return registration;
}

/**
 * Returns the Shanghai district named by a credit code's region digits (positions 3 to 8),
 * or undefined when they name no district of the division table.
 */
export async function districtOfCreditCode(db: Executor, creditCode: string) {
  const division = await findDivision(db, creditCode.slice(2, 8));
  return division?.level === 'district' ? division : undefined;
}

/** Describes the registration of a cookie for the registration pages. */
export async function describeRegistration(db: Db, token: string | undefined) {
  const registration = await registrationOf(db, token);
  const district = await districtOfCreditCode(db, registration.credit_code);
  return {
    id: registration.id,
    status: registration.status,
    creditCode: registration.credit_code,
    organisationName: registration.organisation_name,
    accountType: registration.account_type,
    rejectReason: registration.reject_reason,
    district: district ? { code: district.code, name: district.name } : null,
  };
}

function checkNewPassword(password: string, username: string) {
  const failed = checkPassword(password, { username });
  if (failed.length === 0) return;
  throw withFieldErrors(
    new WeakPassword(),
    failed.map((rule) => ({ field: 'password', code: rule, message: PASSWORD_RULE_TEXT[rule] })),
  );
}

async function divisionFor(db: Executor, accountType: SelfRegistrationType, creditCode: string) {
  if (accountType !== 'district_bureau') return CITY_CODE;
  const district = await districtOfCreditCode(db, creditCode);
  if (!district) throw new PortalNotShanghaiDistrict(creditCode.slice(2, 8));
  return district.code;
}

/** Builds the account that a registration creates, with the credit code as its username. */
export function accountOf(
  registration: {
    credit_code: string;
    organisation_name: string;
    account_type: string | null;
    division_code: string | null;
  },
  passwordHash: string,
): CheckedAccount {
  const creditCode = registration.credit_code;
  return {
    account: {
      username: creditCode,
      password: '',
      displayName: registration.organisation_name,
      accountType: registration.account_type as SelfRegistrationType,
      divisionCode: registration.division_code ?? CITY_CODE,
      organisationName: registration.organisation_name,
      creditCode,
      mustChangePassword: false,
    },
    divisionCode: registration.division_code ?? CITY_CODE,
    creditCode,
    passwordHash,
  };
}

/**
 * Creates the account of a registration with its portal subject, in the caller's transaction,
 * and audits it under `action`. Returns the new user's id; a taken credit code or username
 * surfaces as a unique violation.
 */
export async function createRegisteredAccount(
  trx: Executor,
  registration: { id: string; subject: string },
  checked: CheckedAccount,
  audit: { actorUserId: string; actorIp: string },
): Promise<string> {
  const userId = await insertAccountWithOrganisation(trx, checked, {
    audit: {
      action: 'portal.account_created',
      detail: { registrationId: registration.id },
      ...audit,
    },
  });
  await repository.linkSubject(trx, userId, registration.subject);
  return userId;
}

/** The result of submitting a registration: a session, or a request awaiting approval. */
export type SubmitOutcome =
  { kind: 'session'; session: OpenedSession } | { kind: 'pending'; registrationId: string };

/**
 * Submits the account type and local password of a registration. A contractor's account is
 * created and signed in at once. A district bureau (its district taken from the credit code)
 * and the community sports association wait for the operator's approval. Raises
 * ACC_WEAK_PASSWORD, PORTAL_NOT_SHANGHAI_DISTRICT or PORTAL_REGISTRATION_CLOSED.
 */
export async function submitRegistration(
  db: Db,
  input: {
    token: string | undefined;
    accountType: SelfRegistrationType;
    password: string;
    ip: string;
    hours: number;
  },
): Promise<SubmitOutcome> {
  const found = await registrationOf(db, input.token);
  if (!EDITABLE_STATUSES.has(found.status)) throw new PortalRegistrationClosed(found.status);
  const divisionCode = await divisionFor(db, input.accountType, found.credit_code);
  checkNewPassword(input.password, found.credit_code);
  const passwordHash = await hashPassword(input.password);

  let checked: CheckedAccount | undefined;
  try {
    return await db.transaction().execute(async (trx) => {
      const registration = await repository.lockRegistration(trx, found.id);
      if (!registration || !EDITABLE_STATUSES.has(registration.status)) {
        throw new PortalRegistrationClosed(registration?.status ?? 'closed');
      }
      const chosen = {
        ...registration,
        account_type: input.accountType,
        division_code: divisionCode,
      };

      if (NEEDS_APPROVAL.has(input.accountType)) {
        await repository.updateRegistration(trx, registration.id, {
          status: 'pending',
          account_type: input.accountType,
          division_code: divisionCode,
          password_hash: passwordHash,
          reject_reason: null,
        });
        await recordAudit(trx, {
          actorUserId: null,
          actorIp: input.ip,
          action: 'portal.registration_submitted',
          entityType: 'portal_registration',
          entityId: registration.id,
          detail: { accountType: input.accountType, divisionCode },
        });
        return { kind: 'pending' as const, registrationId: registration.id };
      }

      checked = accountOf(chosen, passwordHash);
      const userId = await createRegisteredAccount(trx, registration, checked, {
        actorUserId: 'self',
        actorIp: input.ip,
      });
      await repository.updateRegistration(trx, registration.id, {
        status: 'completed',
        account_type: input.accountType,
        division_code: divisionCode,
        user_id: userId,
        token_hash: null,
        password_hash: null,
      });
      const session = await sessionForUser(trx, userId, input);
      return { kind: 'session' as const, session };
    });
  } catch (error) {
    throw checked ? translateUniqueViolation(error, checked) : error;
  }
}

/**
 * Links a preset street account (SAGYWTB…) to the portal identity of a registration: the
 * user proves the account with its username and current password, which counts towards the
 * sign-in lockout like any sign-in. The street's organisation then takes the portal's credit
 * code and name, and the browser is signed in.
 */
export async function linkPresetStreet(
  db: Db,
  input: {
    token: string | undefined;
    username: string;
    password: string;
    ip: string;
    hours: number;
  },
): Promise<OpenedSession> {
  const found = await registrationOf(db, input.token);
  if (!EDITABLE_STATUSES.has(found.status)) throw new PortalRegistrationClosed(found.status);
  const username = input.username.trim().toUpperCase();
  if (!PRESET_USERNAME.test(username)) throw new PortalNotPresetStreet(username);

  const session = await signIn(db, {
    username,
    password: input.password,
    ip: input.ip,
    sessionHours: input.hours,
  });
  try {
    await db.transaction().execute(async (trx) => {
      const registration = await repository.lockRegistration(trx, found.id);
      if (!registration || !EDITABLE_STATUSES.has(registration.status)) {
        throw new PortalRegistrationClosed(registration?.status ?? 'closed');
      }
      const user = await repository.lockUser(trx, session.principal.id);
      if (!user || user.account_type !== 'street' || user.preset_number === null) {
        throw new PortalNotPresetStreet(username);
      }
      if (user.portal_subject !== null) throw new PortalAccountLinked(username);

      await repository.linkSubject(trx, user.id, registration.subject);
      await repository.updateOrganisationIdentity(trx, user.organisation_id, {
        name: registration.organisation_name,
        creditCode: registration.credit_code,
      });
      await repository.updateRegistration(trx, registration.id, {
        status: 'completed',
        account_type: 'street',
        division_code: session.principal.divisionCode,
        user_id: user.id,
        token_hash: null,
        password_hash: null,
      });
      await recordAudit(trx, {
        actorUserId: user.id,
        actorIp: input.ip,
        action: 'portal.street_linked',
        entityType: 'user',
        entityId: user.id,
        detail: { registrationId: registration.id, creditCode: registration.credit_code },
      });
    });
  } catch (error) {
    // The password was right but the link failed: end the session that signIn opened.
    await signOut(db, session.token, { ip: input.ip });
    if (isUniqueViolation(error, 'organisations_credit_code_key')) {
      throw new CreditCodeTaken(found.credit_code);
    }
    if (isUniqueViolation(error, 'users_portal_subject_key')) {
      throw new PortalAccountLinked(username);
    }
    throw error;
  }
  // The organisation's name changed with the link; the principal shows the new one.
  const principal = await findPrincipal(db, session.principal.id);
  return principal ? { ...session, principal } : session;
}
