// The floor of durable per-message bookkeeping in SQLite on this machine, for comparing with
// `fafang-bench store`: per message, INSERT the outbox row, INSERT its attempt, UPDATE its state
// (3 writes, the least that records every attempt), prepared statements in C, 500 per
// transaction, WAL + synchronous=NORMAL, the daemon's outbox schema and indexes.
// `make bench-sqlite-floor` builds and runs it (gcc, libsqlite3-dev).
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
static double cpu(void) { struct rusage u; getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6; }
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 20000;
  char path[256], wal[300], shm[300];
  snprintf(path, sizeof path, "/tmp/fafang-sqlite-floor-%d.db", (int)getpid());
  snprintf(wal, sizeof wal, "%s-wal", path); snprintf(shm, sizeof shm, "%s-shm", path);
  sqlite3 *db;
  if (sqlite3_open(path, &db) != SQLITE_OK) { fprintf(stderr, "%s: cannot open\n", path); return 1; }
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, idempotency_key TEXT NOT NULL UNIQUE, event_key TEXT NOT NULL, kind TEXT NOT NULL,"
    " project_code TEXT NOT NULL, channel TEXT NOT NULL, gateway TEXT NOT NULL, recipient TEXT NOT NULL, village TEXT, payee_id TEXT, text TEXT NOT NULL,"
    " title TEXT, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at DATETIME NOT NULL, lease_owner TEXT, lease_expires_at DATETIME,"
    " gateway_reference TEXT, last_error TEXT, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL);"
    "CREATE INDEX outbox_due ON outbox(state, next_attempt_at); CREATE INDEX outbox_ref ON outbox(gateway_reference);"
    "CREATE TABLE delivery_attempt (id INTEGER PRIMARY KEY AUTOINCREMENT, outbox_id INTEGER NOT NULL REFERENCES outbox(id), number INTEGER NOT NULL,"
    " started_at DATETIME NOT NULL, duration_ms INTEGER NOT NULL, http_status INTEGER, curl_code INTEGER, verdict TEXT NOT NULL, detail TEXT NOT NULL);"
    "CREATE INDEX attempt_outbox ON delivery_attempt(outbox_id);", 0, 0, 0);
  sqlite3_stmt *ins, *att, *upd;
  sqlite3_prepare_v2(db, "INSERT INTO outbox (idempotency_key, event_key, kind, project_code, channel, gateway, recipient, village, payee_id, text, state,"
    " next_attempt_at, created_at, updated_at) VALUES (?1, ?2, 'payment_recorded', 'BENCH', 'sms', 'sink', ?3, '甲村', ?4, ?5, 'pending', ?6, ?6, ?6)", -1, &ins, 0);
  sqlite3_prepare_v2(db, "INSERT INTO delivery_attempt (outbox_id, number, started_at, duration_ms, http_status, curl_code, verdict, detail)"
    " VALUES (?1, 1, ?2, 1, 200, 0, 'delivered', 'accepted')", -1, &att, 0);
  sqlite3_prepare_v2(db, "UPDATE outbox SET state = 'sent', attempts = 1, updated_at = ?2 WHERE id = ?1", -1, &upd, 0);
  const char *text = "王12户您好：租地费1,000.00元已于2021年6月1日发放至您尾号0012的银行卡，请注意查收。如有疑问请致电0316-1234567。";
  const char *now = "2026-11-29 21:00:00.000";
  char key[64], ev[64], phone[32], payee[32];
  struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0); double c0 = cpu();
  for (int first = 0; first < n; first += 500) {
    sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0);
    for (int i = first; i < first + 500 && i < n; i++) {
      snprintf(key, sizeof key, "ff1-%024x", i); snprintf(ev, sizeof ev, "paid:BENCH:R%d", i);
      snprintf(phone, sizeof phone, "170%08d", i); snprintf(payee, sizeof payee, "B%d", i);
      sqlite3_bind_text(ins, 1, key, -1, SQLITE_STATIC); sqlite3_bind_text(ins, 2, ev, -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 3, phone, -1, SQLITE_STATIC); sqlite3_bind_text(ins, 4, payee, -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 5, text, -1, SQLITE_STATIC); sqlite3_bind_text(ins, 6, now, -1, SQLITE_STATIC);
      if (sqlite3_step(ins) != SQLITE_DONE) { fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db)); return 1; }
      sqlite3_reset(ins);
    }
    sqlite3_exec(db, "COMMIT", 0, 0, 0);
  }
  for (int first = 0; first < n; first += 500) {
    sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0);
    for (int i = first; i < first + 500 && i < n; i++) {
      sqlite3_bind_int64(att, 1, i + 1); sqlite3_bind_text(att, 2, now, -1, SQLITE_STATIC);
      if (sqlite3_step(att) != SQLITE_DONE) { fprintf(stderr, "attempt: %s\n", sqlite3_errmsg(db)); return 1; }
      sqlite3_reset(att);
      sqlite3_bind_int64(upd, 1, i + 1); sqlite3_bind_text(upd, 2, now, -1, SQLITE_STATIC);
      if (sqlite3_step(upd) != SQLITE_DONE) { fprintf(stderr, "update: %s\n", sqlite3_errmsg(db)); return 1; }
      sqlite3_reset(upd);
    }
    sqlite3_exec(db, "COMMIT", 0, 0, 0);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1); double c1 = cpu();
  double wall = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("sqlite floor: %d messages, 3 writes each: %.0f messages/s, CPU %.1f µs per message\n", n, n / wall, (c1 - c0) / n * 1e6);
  sqlite3_close(db);
  remove(path); remove(wal); remove(shm);
  return 0;
}
