import type { Database } from 'better-sqlite3';
import type { CatalogChange, ChangeFeed } from '../change-feed.js';

/**
 * Runs a catalog write in its own transaction, then announces its changes: after the commit, so
 * a rolled-back write (it threw) announces nothing. A catalog write inside another open
 * transaction could not know whether it commits, so it is refused.
 */
export function writeAndAnnounce<T>(db: Database, feed: ChangeFeed, write: () => { value: T; changes: readonly CatalogChange[] }): T {
  if (db.inTransaction) throw new Error('a catalog write cannot run inside an open transaction: its changes are announced after its own commit');
  const { value, changes } = db.transaction(write)();
  if (changes.length > 0) feed.announce(...changes);
  return value;
}
