import {
  creditCodeCheckCharacter,
  EVENT_LEVEL_LABELS,
  maskMobile,
  requiresTotp,
  SECTION_LABELS,
  filingFormOf,
  sportName,
  type AccountType,
} from '@cityleague/domain';

import type { Principal } from '../accounts/account.repository.js';
import * as accounts from '../accounts/account.repository.js';
import { createAccountWithOrganisation } from '../accounts/account.service.js';
import { scanOnline } from '../check-in/check-in.service.js';
import { writeContractWorkbook } from '../contracts/contract-workbook.js';
import * as contractImports from '../contracts/contract-import.service.js';
import * as contracts from '../contracts/contract.service.js';
import type { Db } from '../db/database.js';
import * as changes from '../events/event.changes.js';
import type { EventInput, EventPatch } from '../events/event.schemas.js';
import * as events from '../events/event.service.js';
import { createGroup, type GroupInput } from '../registrations/group.service.js';
import { register } from '../registrations/registration.service.js';
import { createPartner, type PartnerScope } from '../partners/partner.service.js';
import * as results from '../results/result.service.js';
import * as reviews from '../reviews/review.service.js';
import { upsertPreReview } from '../sports/pre-review.repository.js';
import { sql, type RawBuilder } from 'kysely';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { shanghaiDivisions } from '../divisions/division.service.js';
import { demoPerson } from './demo-people.js';

/** The password of every demo account; demo data is only seeded outside production. */
export const DEMO_PASSWORD = 'Demo@2026';

/**
 * The published TOTP secret (base32) of the demo accounts whose type requires two-factor
 * sign-in. It is set only outside production, so that a person can add it to an authenticator
 * app and browser tests can compute codes. In production those accounts enrol themselves.
 */
export const DEMO_TOTP_SECRET = 'CITYLEAGUEDEMOTOTPSECRETSHANGHAI';

interface DemoAccount {
  username: string;
  displayName: string;
  accountType: AccountType;
  organisation: string;
  divisionCode: string;
}

/** One demo account of each account type, plus a second district and street. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    username: 'bureau',
    displayName: '市体育局管理员',
    accountType: 'sports_bureau',
    organisation: '上海市体育局',
    divisionCode: '3101',
  },
  {
    username: 'committee',
    displayName: '组委会审核员',
    accountType: 'committee',
    organisation: '上海城市业余联赛组委会',
    divisionCode: '3101',
  },
  {
    username: 'xuhui.bureau',
    displayName: '徐汇区体育局管理员',
    accountType: 'district_bureau',
    organisation: '徐汇区体育局',
    divisionCode: '310104',
  },
  {
    username: 'pudong.bureau',
    displayName: '浦东新区体育局管理员',
    accountType: 'district_bureau',
    organisation: '浦东新区体育局',
    divisionCode: '310115',
  },
  {
    username: 'contractor',
    displayName: '赛事运营专员',
    accountType: 'contractor',
    organisation: '上海示例体育发展有限公司',
    divisionCode: '3101',
  },
  {
    username: 'association',
    displayName: '市社区体育协会专员',
    accountType: 'community_association',
    organisation: '上海市社区体育协会',
    divisionCode: '3101',
  },
  {
    username: 'street.xujiahui',
    displayName: '徐家汇街道文体干事',
    accountType: 'street',
    organisation: '徐家汇街道办事处',
    divisionCode: '310104014',
  },
  {
    username: 'street.lujiazui',
    displayName: '陆家嘴街道文体干事',
    accountType: 'street',
    organisation: '陆家嘴街道办事处',
    divisionCode: '310115005',
  },
  {
    username: 'operator',
    displayName: '平台运营专员',
    accountType: 'operator',
    organisation: '上海城市业余联赛平台运营中心',
    divisionCode: '3101',
  },
  {
    username: 'security',
    displayName: '安全审计员',
    accountType: 'security_officer',
    organisation: '上海城市业余联赛平台安全审计组',
    divisionCode: '3101',
  },
];

/** Invented partner platforms; their credentials are random, and the operator rotates one to use it. */
const DEMO_PARTNERS: { name: string; scopes: PartnerScope[]; rateLimitPerMinute: number }[] = [
  {
    name: '示例跑步报名平台',
    scopes: ['events:read', 'events:write', 'registrations:read', 'registrations:write'],
    rateLimitPerMinute: 600,
  },
  {
    name: '示例球类赛事平台',
    scopes: ['events:read', 'events:write', 'registrations:read', 'registrations:write'],
    rateLimitPerMinute: 300,
  },
  { name: '示例社区健身平台', scopes: ['events:read', 'events:write'], rateLimitPerMinute: 120 },
  { name: '示例区级体育政务系统', scopes: ['events:read'], rateLimitPerMinute: 60 },
  {
    name: '示例青少年赛事平台',
    scopes: ['events:read', 'registrations:read', 'registrations:write'],
    rateLimitPerMinute: 300,
  },
];

/** Registers the demo partner platforms in the operator's registry. */
async function seedDemoPartners(db: Db, cipher: PersonalDataCipher, operatorId: string) {
  for (const [index, partner] of DEMO_PARTNERS.entries()) {
    await createPartner(
      db,
      cipher,
      {
        ...partner,
        creditCode: demoCreditCode(900 + index),
        contactName: '示例联系人',
        contactPhone: `1380013${String(9000 + index)}`,
      },
      { userId: operatorId, ip: null },
    );
  }
}

/** Builds an invented but well-formed unified social credit code for demo organisation n. */
function demoCreditCode(n: number): string {
  const first17 = `51310000MJ${String(n).padStart(7, '0')}`;
  return first17 + creditCodeCheckCharacter(first17);
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

const SHANGHAI_OFFSET = 8 * HOUR;

/** Returns the instant `days` from today at `hour` o'clock Shanghai time, as ISO 8601. */
function shanghaiTime(days: number, hour: number): string {
  const shanghaiMidnight = Math.floor((Date.now() + SHANGHAI_OFFSET) / DAY) * DAY - SHANGHAI_OFFSET;
  return new Date(shanghaiMidnight + days * DAY + hour * HOUR).toISOString();
}

/** Starts at 09:00 on day `startInDays`; registration opens at 10:00 and closes at 18:00. */
function schedule(startInDays: number, opensInDays: number, closesInDays: number) {
  return {
    startsAt: shanghaiTime(startInDays, 9),
    endsAt: shanghaiTime(startInDays, 13),
    registrationOpensAt: shanghaiTime(opensInDays, 10),
    registrationClosesAt: shanghaiTime(closesInDays, 18),
  };
}

/** Invented mobile numbers of the demo officials, so that alerts send SMS in the demo. */
const DEMO_ALERT_PHONES: Record<string, string> = {
  bureau: '13900009001',
  committee: '13900009002',
  'xuhui.bureau': '13900009003',
  'pudong.bureau': '13900009004',
  operator: '13900009005',
};

async function createAccounts(
  db: Db,
  cipher: PersonalDataCipher,
  enrolDemoTotp: boolean,
): Promise<Map<string, Principal>> {
  const principals = new Map<string, Principal>();
  for (const [index, account] of DEMO_ACCOUNTS.entries()) {
    const userId = await createAccountWithOrganisation(db, {
      username: account.username,
      password: DEMO_PASSWORD,
      displayName: account.displayName,
      accountType: account.accountType,
      divisionCode: account.divisionCode,
      organisationName: account.organisation,
      creditCode: demoCreditCode(index + 1),
      // Demo accounts share a published password, so a forced change would only get in the way.
      mustChangePassword: false,
    });
    const alertPhone = DEMO_ALERT_PHONES[account.username];
    if (alertPhone) {
      await db
        .updateTable('users')
        .set({
          phone_ciphertext: cipher.encrypt(alertPhone),
          phone_hash: cipher.hash(alertPhone),
          phone_masked: maskMobile(alertPhone),
        })
        .where('id', '=', userId)
        .execute();
    }
    if (enrolDemoTotp && requiresTotp(account.accountType)) {
      await db
        .updateTable('users')
        .set({ totp_secret: cipher.encrypt(DEMO_TOTP_SECRET), totp_enrolled_at: new Date() })
        .where('id', '=', userId)
        .execute();
    }
    const principal = await accounts.findPrincipal(db, userId);
    if (principal) principals.set(account.username, principal);
  }
  return principals;
}

type Step = 'draft' | 'submitted' | 'returned' | 'approved' | 'published';

interface DemoEvent {
  filer: string;
  reviewer?: string;
  step: Step;
  input: DemoFiling;
  registrations?: number;
  /** Groups filed with the event; without any, publication gives it one default group. */
  groups?: GroupInput[];
  /** Entries made after `registrations`, which join the waiting list of a full group. */
  waitingEntries?: number;
  checkIns?: number;
  /** A change asked for once the event is published, left waiting for the reviewer. */
  change?: { patch: EventPatch; reason: string };
  /** The reason the organiser cancels the published event, after its registrations. */
  cancelReason?: string;
  /**
   * Days by which the event is moved into the past, with its entries, check-ins and results.
   * Before the move, results are entered for the checked-in entrants (the last one DNF) and
   * published.
   */
  heldDaysAgo?: number;
}

/** Sports whose filings the demo operator sends to their national federation first. */
const DEMO_PRE_REVIEWS = [
  { sport: 'dragon_boat', federation: '中国龙舟协会' },
  { sport: 'marathon', federation: '中国田径协会' },
];

/** The details every demo event gives; the rest of the form is filled by `filingDetails`. */
type DemoFiling = EventInput &
  Required<
    Pick<
      EventInput,
      | 'sport'
      | 'divisionCode'
      | 'venue'
      | 'capacity'
      | 'startsAt'
      | 'endsAt'
      | 'registrationOpensAt'
      | 'registrationClosesAt'
    >
  >;

const DEMO_RULES =
  '按国家体育总局最新审定的竞赛规则执行。参赛者须身体健康，按组别报名，赛前 30 分钟检录。' +
  '比赛设团体与个人名次，成绩当场公布。';

let districtNames: Map<string, string> | undefined;

/** Returns the name of the district that a division lies in, such as 徐汇区 for 310104014. */
function districtNameOf(divisionCode: string): string {
  districtNames ??= new Map(
    shanghaiDivisions()
      .filter((row) => row.level === 'district')
      .map((row) => [row.code, row.name]),
  );
  const name = districtNames.get(divisionCode.slice(0, 6));
  if (!name) throw new Error(`Demo division ${divisionCode} is in no Shanghai district`);
  return name;
}

/**
 * Completes a demo filing with the rest of its form: the short form of community games requires
 * the host and the rules, and the full form also the organiser, cover and contact.
 */
function filingDetails(input: DemoFiling, organiser: string): EventInput {
  const host =
    input.level === 'city' ? '上海市体育局' : `${districtNameOf(input.divisionCode)}体育局`;
  if (filingFormOf(input) === 'short') {
    // Community games are hosted by the street or town that files them.
    return { ...input, host: input.host ?? organiser, rules: input.rules ?? DEMO_RULES };
  }
  return {
    address: `上海市${input.venue}`,
    host,
    organiser,
    coOrganisers: ['上海市社区体育协会'],
    expectedParticipants: input.capacity,
    feeCents: 0,
    rules: DEMO_RULES,
    safetyPlan: '设安全员 4 名，划定疏散通道两条，遇雷雨等恶劣天气暂停比赛并组织撤离。',
    medicalCover: '现场设医疗点一处，配备 AED 与急救人员 2 名，就近医院为区中心医院。',
    insurance: '主办方为全体参赛者投保赛事公众责任险与人身意外险。',
    contactName: '赛事办公室',
    contactPhone: '021-64000000',
    description: `${input.name}，欢迎广大市民踊跃参加。`,
    ...input,
  };
}

function demoEvents(): DemoEvent[] {
  return [
    {
      filer: 'contractor',
      reviewer: 'committee',
      step: 'published',
      registrations: 24,
      checkIns: 11,
      input: {
        name: '2026上海城市业余联赛 三人篮球赛（徐汇站）',
        sport: 'basketball_3x3',
        level: 'city',
        section: 'league_event',
        divisionCode: '310104',
        venue: '徐汇区 上海体育场 东广场篮球场',
        capacity: 96,
        ...schedule(10, -2, 8),
      },
    },
    {
      filer: 'xuhui.bureau',
      step: 'published',
      registrations: 12,
      checkIns: 0,
      input: {
        name: '徐汇滨江健康跑',
        sport: 'running',
        level: 'district',
        section: 'brand_event',
        divisionCode: '310104',
        venue: '徐汇滨江 龙美术馆西岸馆 集合',
        capacity: 2000,
        ...schedule(14, -1, 12),
      },
    },
    {
      filer: 'association',
      reviewer: 'committee',
      step: 'published',
      registrations: 8,
      input: {
        name: '市民体育锻炼达标赛（静安赛区）',
        sport: 'fitness',
        level: 'city',
        section: 'fitness_test',
        divisionCode: '310106',
        venue: '静安体育中心',
        capacity: 300,
        ...schedule(20, -3, 18),
      },
    },
    {
      filer: 'street.xujiahui',
      reviewer: 'association',
      step: 'published',
      registrations: 6,
      input: {
        name: '徐家汇街道社区健康运动会 趣味跳绳',
        sport: 'rope_skipping',
        level: 'street',
        section: 'community_games',
        divisionCode: '310104014',
        venue: '徐家汇街道 社区文化活动中心',
        capacity: 6,
        ...schedule(6, -2, 5),
      },
    },
    {
      filer: 'contractor',
      reviewer: 'committee',
      step: 'published',
      input: {
        name: '2026上海城市业余联赛 飞盘公开赛',
        sport: 'frisbee',
        level: 'city',
        section: 'x_sport',
        divisionCode: '310115',
        venue: '浦东新区 世纪公园 7号门草坪',
        capacity: 160,
        ...schedule(30, 5, 25),
      },
    },
    {
      filer: 'pudong.bureau',
      step: 'published',
      input: {
        name: '浦东新区市民游泳赛',
        sport: 'swimming',
        level: 'district',
        section: 'brand_event',
        divisionCode: '310115',
        venue: '浦东游泳馆',
        capacity: 150,
        ...schedule(3, -10, -1),
      },
    },
    {
      filer: 'xuhui.bureau',
      step: 'approved',
      input: {
        name: '徐汇区全民健身日 乒乓球团体赛',
        sport: 'table_tennis',
        level: 'district',
        section: 'brand_event',
        divisionCode: '310104',
        venue: '徐汇区 游泳馆二楼乒乓球馆',
        capacity: 128,
        ...schedule(40, 10, 35),
      },
    },
    {
      filer: 'contractor',
      step: 'submitted',
      input: {
        name: '2026上海城市业余联赛 羽毛球赛（浦东站）',
        sport: 'badminton',
        level: 'district',
        section: 'league_event',
        divisionCode: '310115',
        venue: '浦东新区 源深体育中心 羽毛球馆',
        capacity: 200,
        ...schedule(45, 15, 40),
      },
    },
    {
      filer: 'street.lujiazui',
      step: 'submitted',
      input: {
        name: '陆家嘴滨江 龙舟友谊赛',
        sport: 'dragon_boat',
        level: 'district',
        section: 'brand_event',
        divisionCode: '310115005',
        venue: '陆家嘴 滨江步道 东昌路码头',
        capacity: 240,
        ...schedule(50, 20, 45),
      },
    },
    {
      filer: 'street.xujiahui',
      step: 'submitted',
      input: {
        name: '徐家汇街道 全民健身羽毛球邀请赛',
        sport: 'badminton',
        level: 'district',
        section: 'brand_event',
        divisionCode: '310104014',
        venue: '徐家汇体育公园 羽毛球馆',
        capacity: 64,
        ...schedule(28, 7, 25),
      },
    },
    {
      filer: 'street.xujiahui',
      step: 'submitted',
      input: {
        name: '徐家汇街道社区健康运动会 拔河比赛',
        sport: 'tug_of_war',
        level: 'street',
        section: 'community_games',
        divisionCode: '310104014',
        venue: '徐家汇公园 草坪广场',
        capacity: 120,
        ...schedule(25, 5, 22),
      },
    },
    {
      filer: 'association',
      step: 'submitted',
      input: {
        name: '2026上海城市业余联赛 太极拳展演赛',
        sport: 'taichi',
        level: 'city',
        section: 'league_event',
        divisionCode: '310101',
        venue: '黄浦区 人民广场 东侧广场',
        capacity: 300,
        ...schedule(35, 8, 30),
      },
    },
    {
      filer: 'contractor',
      reviewer: 'committee',
      step: 'returned',
      input: {
        name: '2026上海城市业余联赛 攀岩邀请赛',
        sport: 'climbing',
        level: 'city',
        section: 'x_sport',
        divisionCode: '310105',
        venue: '长宁区 攀岩馆',
        capacity: 80,
        ...schedule(60, 20, 55),
      },
    },
    {
      filer: 'contractor',
      reviewer: 'committee',
      step: 'submitted',
      input: {
        name: '2026上海城市业余联赛 滑板公开赛',
        sport: 'skateboarding',
        level: 'city',
        section: 'x_sport',
        divisionCode: '310110',
        venue: '杨浦区 滨江滑板公园',
        capacity: 120,
        ...schedule(45, 15, 40),
      },
    },
    {
      filer: 'contractor',
      reviewer: 'committee',
      step: 'published',
      registrations: 5,
      change: {
        patch: { venue: '闵行区 体育公园 网球中心 3 号场' },
        reason: '原场地维修，改至同区另一场地',
      },
      input: {
        name: '2026上海城市业余联赛 网球赛（闵行站）',
        sport: 'tennis',
        level: 'city',
        section: 'league_event',
        divisionCode: '310112',
        venue: '闵行区 体育公园 网球中心 1 号场',
        capacity: 64,
        ...schedule(25, -1, 22),
      },
    },
    {
      filer: 'street.lujiazui',
      reviewer: 'association',
      step: 'published',
      registrations: 3,
      cancelReason: '台风预警，活动取消',
      input: {
        name: '陆家嘴街道社区健康运动会 亲子飞盘',
        sport: 'frisbee',
        level: 'street',
        section: 'community_games',
        divisionCode: '310115005',
        venue: '陆家嘴街道 滨江绿地',
        capacity: 40,
        ...schedule(9, -1, 8),
      },
    },
    {
      filer: 'contractor',
      step: 'draft',
      input: {
        name: '2026上海城市业余联赛 围棋赛',
        sport: 'go',
        level: 'city',
        section: 'league_event',
        divisionCode: '310101',
        venue: '黄浦区 棋院',
        capacity: 256,
        ...schedule(70, 30, 65),
      },
    },
    {
      filer: 'xuhui.bureau',
      step: 'published',
      registrations: 12,
      checkIns: 10,
      heldDaysAgo: 30,
      input: {
        name: '徐汇区市民10公里路跑',
        sport: 'running',
        level: 'district',
        section: 'brand_event',
        divisionCode: '310104',
        venue: '徐汇滨江 西岸艺术中心 起点',
        capacity: 500,
        ...schedule(4, -2, 3),
      },
    },
    {
      filer: 'association',
      reviewer: 'committee',
      step: 'published',
      registrations: 8,
      checkIns: 8,
      heldDaysAgo: 45,
      input: {
        name: '市民体育锻炼达标赛（长宁赛区）',
        sport: 'fitness',
        level: 'city',
        section: 'fitness_test',
        divisionCode: '310105',
        venue: '长宁区 天山体育活动中心',
        capacity: 200,
        ...schedule(3, -2, 2),
      },
    },
    {
      filer: 'street.xujiahui',
      reviewer: 'association',
      step: 'published',
      registrations: 4,
      waitingEntries: 2,
      groups: [{ name: '个人组', capacity: 4, waitingList: 'offer', offerHours: 24 }],
      input: {
        name: '徐家汇街道社区健康运动会 踢毽子',
        sport: 'shuttlecock',
        level: 'street',
        section: 'community_games',
        divisionCode: '310104014',
        venue: '徐家汇街道 社区文化活动中心',
        capacity: 4,
        ...schedule(8, -2, 6),
      },
    },
    {
      filer: 'street.xujiahui',
      reviewer: 'association',
      step: 'published',
      groups: [{ name: '双打组', capacity: 32, entryType: 'team', teamMin: 2, teamMax: 2 }],
      input: {
        name: '徐家汇街道社区健康运动会 羽毛球双打',
        sport: 'badminton',
        level: 'street',
        section: 'community_games',
        divisionCode: '310104014',
        venue: '徐家汇街道 社区体育健身中心',
        capacity: 32,
        ...schedule(12, -1, 10),
      },
    },
  ];
}

function requireUser(users: Map<string, Principal>, username: string): Principal {
  const user = users.get(username);
  if (!user) throw new Error(`Demo account ${username} is missing`);
  return user;
}

/**
 * Imports a contract for every event of the demo contractor, one workbook per year, through
 * the operator's dry run and commit. Returns the contract ids by event name.
 */
async function importDemoContracts(
  db: Db,
  cipher: PersonalDataCipher,
  users: Map<string, Principal>,
  demos: DemoEvent[],
): Promise<Map<string, string>> {
  const operator = { user: requireUser(users, 'operator'), ip: '127.0.0.1' };
  const contractor = requireUser(users, 'contractor');
  const creditCode = demoCreditCode(
    DEMO_ACCOUNTS.findIndex((a) => a.username === 'contractor') + 1,
  );
  const byYear = new Map<number, string[][]>();
  for (const [index, demo] of demos.filter((d) => d.filer === 'contractor').entries()) {
    const { input } = demo;
    const year = contracts.shanghaiYear(Date.parse(input.startsAt));
    const row = [
      contractor.organisationName,
      creditCode,
      EVENT_LEVEL_LABELS[input.level],
      // The 所属区 column takes a district's name or its six-digit code.
      input.level === 'district' ? input.divisionCode.slice(0, 6) : '',
      SECTION_LABELS[input.section],
      sportName(input.sport) ?? input.sport,
      input.name,
      '测试联系人',
      `13800138${String(index + 1).padStart(3, '0')}`,
    ];
    byYear.set(year, [...(byYear.get(year) ?? []), row]);
  }
  for (const [year, rows] of byYear) {
    const content = await writeContractWorkbook(rows);
    const fileName = `${year}年中标合同（演示）.xlsx`;
    const report = await contractImports.dryRunImport(db, cipher, operator, {
      fileName,
      content,
      year,
    });
    if (report.errors.length > 0) {
      throw new Error(`Demo contracts of ${year} are invalid: ${JSON.stringify(report.errors)}`);
    }
    await contractImports.commitImport(db, operator, report.id);
  }
  const own = await contracts.listOwnContracts(db, contractor);
  return new Map(own.items.map((contract) => [contract.eventName, contract.id]));
}

async function seedEvent(
  db: Db,
  cipher: PersonalDataCipher,
  users: Map<string, Principal>,
  demo: DemoEvent,
  personOffset: number,
  contractIds: Map<string, string>,
  options: DemoOptions,
) {
  const filer = requireUser(users, demo.filer);
  const actor = { user: filer, ip: '127.0.0.1' };
  const reviewer = demo.reviewer ? users.get(demo.reviewer) : undefined;
  const reviewerActor = reviewer ? { user: reviewer, ip: '127.0.0.1' } : undefined;

  const contractId = contractIds.get(demo.input.name);
  const details = filingDetails(demo.input, filer.organisationName);
  const input = demo.filer === 'contractor' ? { ...details, contractId } : details;
  const event = await events.createEvent(db, actor, input);
  for (const group of demo.groups ?? []) await createGroup(db, actor, event.id, group);
  if (demo.step === 'draft') return;
  let state = (await events.submitEvent(db, actor, event.id)).state;
  if (demo.step === 'submitted') return;
  if (state === 'submitted' && reviewerActor) {
    if (demo.step === 'returned') {
      await reviews.returnEvent(
        db,
        reviewerActor,
        event.id,
        '安全预案缺少医疗保障人员配置，请补充后重新提交',
      );
      return;
    }
    for (const step of (await events.getOwnConsoleEvent(db, actor, event.id)).reviewSteps) {
      await reviews.recordReviewStep(db, reviewerActor, event.id, step.step, {
        note: '材料齐全，同意',
      });
    }
    state = (await reviews.approveEvent(db, reviewerActor, event.id)).state;
  }
  if (demo.step === 'approved') return;
  await events.publishEvent(db, actor, event.id);

  const count = demo.registrations ?? 0;
  const entries: { id: string; code: string }[] = [];
  for (let i = 0; i < count + (demo.waitingEntries ?? 0); i++) {
    const person = demoPerson(personOffset + i);
    const { registration } = await register(db, cipher, event.id, { ...person, channel: 'web' });
    if (i < count) entries.push({ id: registration.id, code: registration.code });
  }
  const checkedIn = entries.slice(0, demo.checkIns ?? 0);
  // Check-in opens 24 hours before the start, and filing needs a start in the future, so an
  // event with check-ins is moved to be under way before its people check in.
  if (checkedIn.length > 0)
    await moveEvent(db, event.id, sql`starts_at - (now() - interval '1 hour')`);
  for (const { code } of checkedIn) {
    // Typed codes carry no signature, so the demo needs no ticket signer.
    await scanOnline(db, undefined, actor, event.id, {
      text: code,
      deviceId: 'demo',
      gate: '1号入口',
    });
  }
  if (demo.heldDaysAgo !== undefined) {
    await publishDemoResults(db, { ...actor, userAgent: null }, event.id, checkedIn);
    await moveEvent(db, event.id, sql`make_interval(days => ${demo.heldDaysAgo})`);
  }
  if (demo.change) await changes.requestChange(db, actor, event.id, demo.change);
  if (demo.cancelReason) {
    // The story has the entries confirmed days before the cancellation. Without this delivery,
    // the outbox would find the confirmations' entries already cancelled and abandon them.
    await options.deliverNotifications?.();
    await changes.cancelEvent(db, actor, event.id, { reason: demo.cancelReason });
  }
}

/**
 * Moves a published event and everything recorded about it back by `shift`, an SQL interval
 * that may read the event's columns, as if it had taken place earlier: its dates, publication,
 * entries and check-ins. Its results, their publication and the certificates move to just
 * after its end. Filing rejects a start in the past, so the demo files events ahead and moves
 * them afterwards. The shift is cut to milliseconds, the precision of stored times, because
 * list cursors carry milliseconds and a finer start repeated itself on every page.
 */
async function moveEvent(db: Db, eventId: string, interval: RawBuilder<unknown>) {
  const { rows } = await sql<{ shift: string }>`
    select date_trunc('milliseconds', ${interval})::text as shift
    from events where id = ${eventId}`.execute(db);
  const shift = sql`${rows[0]!.shift}::interval`;
  const statements = [
    sql`update events set starts_at = starts_at - ${shift}, ends_at = ends_at - ${shift},
      registration_opens_at = registration_opens_at - ${shift},
      registration_closes_at = registration_closes_at - ${shift},
      published_at = published_at - ${shift}
      where id = ${eventId}`,
    sql`update registrations set created_at = created_at - ${shift},
      checked_in_at = checked_in_at - ${shift}
      where event_id = ${eventId}`,
    sql`update check_in_scans set scanned_at = scanned_at - ${shift},
      received_at = received_at - ${shift}
      where event_id = ${eventId}`,
    // Results follow the event's end, because they were entered before the event started.
    sql`update event_results set created_at = ends.at + interval '2 hours',
      updated_at = ends.at + interval '2 hours'
      from (select ends_at as at from events where id = ${eventId}) as ends
      where event_id = ${eventId}`,
    sql`update result_publications set published_at = ends.at + interval '1 day'
      from (select ends_at as at from events where id = ${eventId}) as ends
      where event_id = ${eventId}`,
    sql`update certificates set issued_at = ends.at + interval '1 day'
      from (select ends_at as at from events where id = ${eventId}) as ends
      where event_id = ${eventId}`,
  ];
  for (const statement of statements) await statement.execute(db);
}

/**
 * Enters results for checked-in entrants, ranked in check-in order with times a little over
 * 40 minutes apart by 47 s each, the last one DNF, and publishes them, which issues the
 * finishers' certificates.
 */
async function publishDemoResults(
  db: Db,
  actor: results.ResultActor,
  eventId: string,
  entries: { id: string }[],
) {
  for (const [index, entry] of entries.entries()) {
    const last = index === entries.length - 1;
    const seconds = 40 * 60 + 13 + index * 47;
    const time = `00:${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
    await results.saveResult(db, actor, eventId, entry.id, {
      status: last ? 'dnf' : 'finished',
      rank: last ? null : index + 1,
      time: last ? null : time,
      score: null,
    });
  }
  await results.publishResults(db, actor, eventId);
}

/** Options of the demo seed. */
export interface DemoOptions {
  /** Enrolment of the accounts whose type requires TOTP with the published DEMO_TOTP_SECRET. */
  enrolDemoTotp?: boolean;
  /** Sender of the queued SMS, as the outbox dispatcher sends them, run before a cancellation. */
  deliverNotifications?: () => Promise<unknown>;
}

/**
 * Seeds the demo league on an empty database: accounts of every type and, unless only the
 * accounts are asked for, events in every state with registrations and check-ins.
 * Returns false and changes nothing when the database already has users.
 */
export async function seedDemoLeague(
  db: Db,
  cipher: PersonalDataCipher,
  scope: 'league' | 'accounts' = 'league',
  options: DemoOptions = {},
): Promise<boolean> {
  if ((await accounts.countUsers(db)) > 0) return false;
  const users = await createAccounts(db, cipher, options.enrolDemoTotp ?? false);
  if (scope === 'accounts') return true;
  const operator = requireUser(users, 'operator');
  for (const preReview of DEMO_PRE_REVIEWS) {
    await upsertPreReview(db, { ...preReview, updatedBy: operator.id });
  }
  await seedDemoPartners(db, cipher, operator.id);
  const demos = demoEvents();
  const contractIds = await importDemoContracts(db, cipher, users, demos);
  let offset = 0;
  for (const demo of demos) {
    await seedEvent(db, cipher, users, demo, offset, contractIds, options);
    offset += (demo.registrations ?? 0) + (demo.waitingEntries ?? 0);
  }
  return true;
}
