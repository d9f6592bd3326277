// libFuzzer target: the decoders of Delta table metadata that come from files on disk written by
// any engine — commit files (JSON lines of actions), schema strings, Spark DDL, Z85 text and
// RoaringBitmapArray deletion vectors. Each must answer every input with a value or an error;
// any crash, hang, sanitizer report or oversized allocation is a bug.
//
// The first byte picks the decoder, so one corpus exercises all of them.
//
//   build/fuzz/fuzz/delta_log_fuzz -max_total_time=60 CORPUS_DIR
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "table/actions.h"
#include "table/deletion_vector.h"
#include "table/delta_schema.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0: {
      // A commit: every action that parses must serialize and parse back.
      auto actions = tide::table::ParseCommit(input, "fuzz.json");
      if (actions.ok()) {
        std::string again = tide::table::SerializeCommit(*actions);
        (void)tide::table::ParseCommit(again, "fuzz-reserialized.json");
      }
      break;
    }
    case 1: {
      auto schema = tide::table::ParseDeltaSchema(input);
      if (schema.ok()) (void)tide::table::SerializeDeltaSchema(*schema);
      break;
    }
    case 2:
      (void)tide::table::ParseDdl(input);
      break;
    case 3: {
      auto bytes = tide::table::Z85Decode(input);
      if (bytes.ok()) (void)tide::table::DeserializeRoaringBitmapArray(*bytes);
      break;
    }
    case 4:
      (void)tide::table::DeserializeRoaringBitmapArray(input);
      break;
  }
  return 0;
}
