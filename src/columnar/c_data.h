// The Arrow C Data Interface (https://arrow.apache.org/docs/format/CDataInterface.html):
// hand columns and batches to other libraries (DuckDB, pyarrow, polars, ...) without copying.
//
// Export: fills a caller-provided ArrowSchema / ArrowArray whose release callback drops Tide's
// references to the buffers; the consumer must call release exactly once.
// Import: takes ownership of the C structs (moves them, marking the source released); the
// imported ArrayData's buffers keep the producer's memory alive until the last reference goes,
// then call the producer's release. Imported arrays are validated (Validate()) before use.
// A record batch travels as a struct array with one child per column (Arrow's convention).
//
// Type mapping (format strings): n b c s i l C S I L f g d:P,S z u w:N tdD ttu ttn tsu:[UTC]
// tsn:[UTC] +l +s +m. A timestamp with any time zone string is imported as UTC-adjusted.
//
// Thread-safety: the functions are reentrant; released callbacks may run on any thread.
#pragma once

#include <cstdint>
#include <memory>

#include "base/result.h"
#include "columnar/array.h"

extern "C" {
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;
  void (*release)(struct ArrowSchema*);
  void* private_data;
};

struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  void (*release)(struct ArrowArray*);
  void* private_data;
};

#endif  // ARROW_C_DATA_INTERFACE
}

namespace tide::columnar {

base::Status ExportType(const DataType& type, ArrowSchema* out);
base::Status ExportField(const Field& field, ArrowSchema* out);
base::Status ExportSchema(const Schema& schema, ArrowSchema* out);  // as a struct
base::Status ExportArray(const ArrayPtr& array, ArrowArray* out);
base::Status ExportRecordBatch(const RecordBatch& batch, ArrowArray* out);  // as a struct array

base::Result<FieldPtr> ImportField(ArrowSchema* schema);  // releases *schema
base::Result<std::shared_ptr<const Schema>> ImportSchema(ArrowSchema* schema);
base::Result<ArrayPtr> ImportArray(ArrowArray* array, const TypePtr& type);  // takes *array
base::Result<std::shared_ptr<RecordBatch>> ImportRecordBatch(ArrowArray* array, std::shared_ptr<const Schema> schema);

}  // namespace tide::columnar
