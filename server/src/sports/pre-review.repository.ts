import type { Executor } from '../db/database.js';

/** Returns the sports whose filings need a federation's pre-review, with the federation. */
export async function preReviewFederations(db: Executor): Promise<Map<string, string>> {
  const rows = await db.selectFrom('sport_pre_reviews').select(['sport', 'federation']).execute();
  return new Map(rows.map((row) => [row.sport, row.federation]));
}

export async function listPreReviews(db: Executor) {
  return db
    .selectFrom('sport_pre_reviews')
    .leftJoin('users', 'users.id', 'sport_pre_reviews.updated_by')
    .select([
      'sport_pre_reviews.sport',
      'sport_pre_reviews.federation',
      'sport_pre_reviews.updated_at',
      'users.display_name as updated_by_name',
    ])
    .orderBy('sport_pre_reviews.sport')
    .execute();
}

export async function findPreReview(db: Executor, sport: string) {
  return db
    .selectFrom('sport_pre_reviews')
    .selectAll()
    .where('sport', '=', sport)
    .forUpdate()
    .executeTakeFirst();
}

export async function upsertPreReview(
  db: Executor,
  row: { sport: string; federation: string; updatedBy: string },
) {
  await db
    .insertInto('sport_pre_reviews')
    .values({ sport: row.sport, federation: row.federation, updated_by: row.updatedBy })
    .onConflict((oc) =>
      oc.column('sport').doUpdateSet({
        federation: row.federation,
        updated_by: row.updatedBy,
        updated_at: new Date(),
      }),
    )
    .execute();
}

export async function deletePreReview(db: Executor, sport: string) {
  await db.deleteFrom('sport_pre_reviews').where('sport', '=', sport).execute();
}
