// TPC-H data, generated the way the TPC-H specification (revision 3, clause 4.2) describes it:
// table cardinalities, key ranges (sparse order keys), and the distribution of every column.
//
// What follows the specification exactly: the eight tables and their row counts per scale
// factor SF (PART 200,000·SF, SUPPLIER 10,000·SF, PARTSUPP 4 per part, CUSTOMER 150,000·SF,
// ORDERS 1,500,000·SF with keys 8 of every 32 and customers whose key is not a multiple of 3,
// LINEITEM 1..7 per order, NATION 25, REGION 5 with the spec's names and keys); PS_SUPPKEY and
// L_SUPPKEY from the spec's formula; P_NAME (five distinct colors of the 92), P_MFGR, P_BRAND,
// P_TYPE, P_CONTAINER, P_SIZE, P_RETAILPRICE; phone numbers; account balances; segments,
// priorities, clerks; dates (O_ORDERDATE in [1992-01-01, 1998-12-31 - 151 days], ship, commit
// and receipt offsets), L_RETURNFLAG / L_LINESTATUS against CURRENTDATE 1995-06-17,
// O_ORDERSTATUS and O_TOTALPRICE from the order's lines; ship instructions and modes; the
// supplier comments with "Customer ... Complaints/Recommends" (SF·5 each).
// What is simplified: the random number streams are ours (not dbgen's), so values differ from
// dbgen's row by row while following the same distributions; comments are substrings of a
// text pool built from the spec's grammar and word lists (as dbgen does), so LIKE predicates
// such as Q13's '%special%requests%' select the expected share of rows.
//
// Determinism: every row's values depend only on (table, row index, scale), never on how the
// rows are split into chunks or threads, so any chunking produces the same data.
//
// Types: keys BIGINT, money and quantities DECIMAL(15,2), dates DATE, small integers INT,
// text STRING; every column is NOT NULL.
//
// Thread-safety: all functions are safe to call concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"

namespace tide::cli::tpch {

enum class Table : uint8_t { kNation, kRegion, kPart, kSupplier, kPartsupp, kCustomer, kOrders, kLineitem };

inline constexpr Table kAllTables[] = {Table::kNation,   Table::kRegion,   Table::kPart,   Table::kSupplier,
                                       Table::kPartsupp, Table::kCustomer, Table::kOrders, Table::kLineitem};

// "lineitem", ...
const char* TableName(Table table);
std::shared_ptr<const columnar::Schema> TableSchema(Table table);

// Rows of the table's driver: parts for PART and PARTSUPP, orders for ORDERS and LINEITEM,
// the table's own rows for the others. Chunks are ranges of driver rows.
int64_t DriverRows(Table table, double scale);

// Receives one generated batch.
using BatchCallback = std::function<base::Status(std::shared_ptr<columnar::RecordBatch>)>;

// Generates the rows of driver rows [begin, end) of `table` in batches of about `batch_rows`
// driver rows, calling `emit` for each. InvalidArgument for a bad range or scale.
base::Status GenerateRows(Table table, double scale, int64_t begin, int64_t end, int64_t batch_rows,
                          const BatchCallback& emit);

// The spec's sparse order key of order index i (0-based): 8 keys used of every 32.
int64_t OrderKey(int64_t index);

}  // namespace tide::cli::tpch
