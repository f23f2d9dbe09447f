#ifndef COGNATE_CSQLITE_SHIM_H
#define COGNATE_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
