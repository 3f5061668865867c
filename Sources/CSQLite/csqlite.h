#ifndef NEEDLE_CSQLITE_H
#define NEEDLE_CSQLITE_H
#include <sqlite3.h>

/// Binds a copy of `text` (SQLite copies it before returning). SQLITE_TRANSIENT is a macro
/// casting -1 to a function pointer, which Swift cannot import, so the cast lives here.
static inline int needle_sqlite3_bind_text_copy(sqlite3_stmt *statement, int index, const char *text, int bytes) {
    return sqlite3_bind_text(statement, index, text, bytes, SQLITE_TRANSIENT);
}
#endif
