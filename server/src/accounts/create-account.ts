import { parseArgs } from 'node:util';

import { ACCOUNT_TYPES, type AccountType } from '@cityleague/domain';

import { ConfigError, loadConfig } from '../config.js';
import { openConfiguredDatabase } from '../db/database.js';
import { prepareDatabase } from '../startup.js';
import { createAccountWithInitialPassword } from './account.service.js';

const USAGE = `Usage: npm run account:create -- --username NAME --type TYPE --division CODE --organisation NAME
       [--display-name NAME] [--credit-code CODE]

Creates a console account and its organisation in the database that DATABASE_URL (or DATA_DIR)
points at, and prints a random initial password once. The user must change it at first sign-in.
  --type         one of ${ACCOUNT_TYPES.join(', ')}
  --division     the account's scope: 3101 for the city, a district code (310104) for a
                 district bureau, a street code (310104014) for a street
  --credit-code  the organisation's unified social credit code (18 characters, GB 32100),
                 checked and stored in upper case`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      username: { type: 'string' },
      type: { type: 'string' },
      division: { type: 'string' },
      organisation: { type: 'string' },
      'display-name': { type: 'string' },
      'credit-code': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const { username, type, division, organisation } = values;
  if (!username || !type || !division || !organisation) {
    fail('Missing option: --username, --type, --division and --organisation are required.');
  }
  if (!ACCOUNT_TYPES.includes(type as AccountType)) fail(`Unknown account type "${type}".`);

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const db = await openConfiguredDatabase(config);
  try {
    await prepareDatabase(db, { seedDemo: 'none', dataKeys: config.dataKeys });
    const { password } = await createAccountWithInitialPassword(db, {
      username,
      displayName: values['display-name'] ?? organisation,
      accountType: type as AccountType,
      divisionCode: division,
      organisationName: organisation,
      creditCode: values['credit-code'],
    });
    console.log(
      `Created ${type} account "${username}". Initial password (shown once): ${password}`,
    );
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  // Field errors, such as the position of a wrong credit code character.
  const fieldErrors = (error as { fieldErrors?: { field: string; message: string }[] })
    ?.fieldErrors;
  for (const fieldError of fieldErrors ?? []) {
    console.error(`  ${fieldError.field}: ${fieldError.message}`);
  }
  process.exit(1);
});
