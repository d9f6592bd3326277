// Self-test of the sqllogic runner's own parts (`sqllogic_runner --self-test`, ctest
// sql.runner_selftest): the .slt parser (records, conditions, DuckDB variants, error cases) and
// the value rendering rules of render.h, which the DuckDB cross-check mirrors. It needs no
// engine, so it guards the harness itself: a rendering bug here would make every .slt
// comparison meaningless.
#pragma once

namespace tide::sqllogic {

// Runs every check, prints each failure to stdout; returns the number of failures.
int RunSelfTest();

}  // namespace tide::sqllogic
