#!/usr/bin/env bash
# Builds the schema database that sqlx's compile-time checks read, from migrations/.
# Prints the DATABASE_URL to use. `cargo sqlx prepare` (and its --check in CI) need it;
# ordinary builds do not: they read the committed .sqlx/ offline data.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${CARGO_TARGET_DIR:-target}/sqlx"
mkdir -p "$dir"
db="$(cd "$dir" && pwd)/schema.db"
rm -f "$db" "$db-wal" "$db-shm"
url="sqlite://$db"
sqlx database create --database-url "$url" >/dev/null
sqlx migrate run --source migrations --database-url "$url" >/dev/null
echo "$url"
