#include "format/csv_reader.h"

#include <cerrno>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "columnar/builder.h"
#include "format/text_value.h"

namespace tide::format {

using base::Result;
using base::Status;
using columnar::TypeId;

namespace {

// One parsed record: field i is rec[begin[i], end[i]), quoted[i] when it was quoted.
struct Record {
  std::string bytes;
  std::vector<size_t> begin, end;
  std::vector<bool> quoted;
  int64_t line = 0;  // line the record starts on
  void Clear() {
    bytes.clear();
    begin.clear();
    end.clear();
    quoted.clear();
  }
  size_t size() const { return begin.size(); }
  std::string_view field(size_t i) const { return std::string_view(bytes).substr(begin[i], end[i] - begin[i]); }
};

}  // namespace

struct CsvReader::Impl {
  std::istream* in;
  std::shared_ptr<const columnar::Schema> schema;
  CsvReadOptions options;
  Status error;
  bool started = false;
  bool done = false;

  // Buffered input: buf[pos, buf.size()) unread.
  std::string buf;
  size_t pos = 0;
  bool in_eof = false;
  int64_t line = 1;  // current line (1-based)

  Record rec;
  // Column of the input → schema field (-1: ignored); fields missing from the input.
  std::vector<int> column_field;
  std::vector<int> missing_fields;
  std::vector<std::unique_ptr<columnar::ArrayBuilder>> builders;

  Impl(std::istream* i, std::shared_ptr<const columnar::Schema> s, CsvReadOptions o)
      : in(i), schema(std::move(s)), options(std::move(o)) {}

  std::string Where(int64_t at_line) const { return options.source_name + ": line " + std::to_string(at_line); }

  // -1 at the end of the input.
  Result<int> Get() {
    if (pos == buf.size()) {
      if (in_eof) return -1;
      constexpr size_t kChunk = 1 << 20;
      buf.resize(kChunk);
      in->read(buf.data(), kChunk);
      const auto got = static_cast<size_t>(in->gcount());
      buf.resize(got);
      pos = 0;
      if (got < kChunk) {
        if (in->bad()) return Status::IoError(options.source_name + ": read failed");
        in_eof = true;
      }
      if (got == 0) return -1;
    }
    return static_cast<unsigned char>(buf[pos++]);
  }
  Result<int> Peek() {
    TIDE_ASSIGN_OR_RETURN(int c, Get());
    if (c >= 0) --pos;
    return c;
  }

  Status Append(char c) {
    rec.bytes.push_back(c);
    if (static_cast<int64_t>(rec.bytes.size()) > options.max_record_bytes) {
      return Status::ResourceExhausted(Where(rec.line) + ": record longer than " + std::to_string(options.max_record_bytes) +
                                       " bytes (an unterminated quote?)");
    }
    return Status::OK();
  }

  void EndField(size_t start, bool quoted) {
    rec.begin.push_back(start);
    rec.end.push_back(rec.bytes.size());
    rec.quoted.push_back(quoted);
  }

  // Parses the next record into `rec`; false at the end of the input.
  Result<bool> ReadRecord() {
    rec.Clear();
    rec.line = line;
    const char delim = options.delimiter, quote = options.quote;
    const int escape = options.escape && *options.escape != quote ? static_cast<unsigned char>(*options.escape) : -1;
    enum { kFieldStart, kUnquoted, kQuoted, kAfterQuote } state = kFieldStart;
    size_t start = 0;
    for (;;) {
      TIDE_ASSIGN_OR_RETURN(int c, Get());
      // A record ends at LF or CRLF; returns true when c (+ a following LF) ends it.
      auto is_end_of_line = [&](int ch) -> Result<bool> {
        if (ch == '\n') return true;
        if (ch == '\r') {
          TIDE_ASSIGN_OR_RETURN(int n, Peek());
          if (n == '\n') {
            ++pos;
            return true;
          }
        }
        return false;
      };
      switch (state) {
        case kFieldStart: {
          if (c < 0) {
            if (rec.size() == 0) return false;  // clean end (after a final line break)
            EndField(rec.bytes.size(), false);
            return true;
          }
          start = rec.bytes.size();
          if (c == quote) {
            state = kQuoted;
            break;
          }
          if (c == delim) {
            EndField(start, false);
            break;
          }
          TIDE_ASSIGN_OR_RETURN(bool eol, is_end_of_line(c));
          if (eol) {
            ++line;
            EndField(start, false);
            return true;
          }
          TIDE_RETURN_IF_ERROR(Append(static_cast<char>(c)));
          state = kUnquoted;
          break;
        }
        case kUnquoted: {
          if (c < 0) {
            EndField(start, false);
            return true;
          }
          if (c == delim) {
            EndField(start, false);
            state = kFieldStart;
            break;
          }
          TIDE_ASSIGN_OR_RETURN(bool eol, is_end_of_line(c));
          if (eol) {
            ++line;
            EndField(start, false);
            return true;
          }
          TIDE_RETURN_IF_ERROR(Append(static_cast<char>(c)));
          break;
        }
        case kQuoted: {
          if (c < 0) {
            return Status::InvalidArgument(Where(rec.line) + ": column " + std::to_string(rec.size() + 1) +
                                           ": quoted field not closed before the end of the input");
          }
          if (c == escape) {
            TIDE_ASSIGN_OR_RETURN(int n, Get());
            if (n < 0) {
              return Status::InvalidArgument(Where(rec.line) + ": escape character at the end of the input");
            }
            if (n == '\n') ++line;
            TIDE_RETURN_IF_ERROR(Append(static_cast<char>(n)));
            break;
          }
          if (c == quote) {
            TIDE_ASSIGN_OR_RETURN(int n, Peek());
            if (n == quote) {
              ++pos;
              TIDE_RETURN_IF_ERROR(Append(quote));
            } else {
              state = kAfterQuote;
            }
            break;
          }
          if (c == '\n') ++line;
          TIDE_RETURN_IF_ERROR(Append(static_cast<char>(c)));
          break;
        }
        case kAfterQuote: {
          if (c < 0) {
            EndField(start, true);
            return true;
          }
          if (c == delim) {
            EndField(start, true);
            state = kFieldStart;
            break;
          }
          TIDE_ASSIGN_OR_RETURN(bool eol, is_end_of_line(c));
          if (eol) {
            ++line;
            EndField(start, true);
            return true;
          }
          return Status::InvalidArgument(Where(rec.line) + ": column " + std::to_string(rec.size() + 1) + ": character " +
                                         text::QuoteForError(std::string(1, static_cast<char>(c))) +
                                         " after a closing quote (expected a delimiter or the end of the line)");
        }
      }
    }
  }

  std::string ColumnName(size_t col) const {
    const int f = column_field[col];
    return f >= 0 ? schema->field(f)->name() : "#" + std::to_string(col + 1);
  }

  Status Start() {
    if (options.batch_size < 1) return Status::InvalidArgument("CSV reader: batch_size must be at least 1");
    if (options.delimiter == options.quote) return Status::InvalidArgument("CSV reader: the delimiter and the quote are the same character");
    if (options.delimiter == '\n' || options.delimiter == '\r' || options.quote == '\n' || options.quote == '\r') {
      return Status::InvalidArgument("CSV reader: the delimiter and quote cannot be line breaks");
    }
    for (const auto& f : schema->fields()) {
      if (f->type()->IsNested()) {
        return Status::Unsupported(options.source_name + ": column '" + f->name() + "' has type " + f->type()->ToString() +
                                   "; CSV holds only primitive types (read nested data as JSON lines)");
      }
      builders.push_back(columnar::MakeBuilder(f->type()));
    }
    // A UTF-8 byte order mark before the first record is not data.
    TIDE_ASSIGN_OR_RETURN(int first, Peek());
    if (first == 0xEF && buf.compare(pos, 3, "\xEF\xBB\xBF") == 0) pos += 3;
    if (!options.has_header) {
      for (int f = 0; f < schema->num_fields(); ++f) column_field.push_back(f);
      return Status::OK();
    }
    TIDE_ASSIGN_OR_RETURN(bool got, ReadRecord());
    if (!got) {
      return Status::InvalidArgument(options.source_name + ": empty input: expected a header row naming the columns");
    }
    std::vector<bool> present(schema->num_fields(), false);
    for (size_t c = 0; c < rec.size(); ++c) {
      const std::string_view name = rec.field(c);
      const int f = schema->FieldIndex(std::string(name));
      if (f < 0 && !options.ignore_unknown_columns) {
        return Status::InvalidArgument(Where(rec.line) + ": header column " + std::to_string(c + 1) + " " +
                                       text::QuoteForError(name) + " is not in the schema (" + schema->ToString() + ")");
      }
      if (f >= 0 && present[f]) {
        return Status::InvalidArgument(Where(rec.line) + ": header names column " + text::QuoteForError(name) + " twice");
      }
      if (f >= 0) present[f] = true;
      column_field.push_back(f);
    }
    for (int f = 0; f < schema->num_fields(); ++f) {
      if (present[f]) continue;
      const auto& field = schema->field(f);
      if (!field->nullable() || options.require_all_columns) {
        return Status::InvalidArgument(options.source_name + ": the header has no column '" + field->name() + "'" +
                                       (field->nullable() ? "" : " (NOT NULL)"));
      }
      missing_fields.push_back(f);
    }
    return Status::OK();
  }

  Status ConvertRecord() {
    if (rec.size() != column_field.size()) {
      return Status::InvalidArgument(Where(rec.line) + ": expected " + std::to_string(column_field.size()) + " fields, found " +
                                     std::to_string(rec.size()));
    }
    for (size_t c = 0; c < rec.size(); ++c) {
      const int f = column_field[c];
      if (f < 0) continue;
      const auto& field = schema->field(f);
      const std::string_view value = rec.field(c);
      columnar::ArrayBuilder* b = builders[f].get();
      if (!rec.quoted[c] && value == options.null_string) {
        if (!field->nullable()) {
          return Status::InvalidArgument(Where(rec.line) + ": column '" + field->name() + "': null (" +
                                         text::QuoteForError(value) + ") in a NOT NULL column");
        }
        b->AppendNull();
        continue;
      }
      std::string why = text::AppendParsedText(*field->type(), value, b);
      if (!why.empty()) {
        return Status::InvalidArgument(Where(rec.line) + ": column '" + field->name() + "': " + text::QuoteForError(value) +
                                       " " + why);
      }
    }
    for (int f : missing_fields) builders[f]->AppendNull();
    return Status::OK();
  }

  Result<std::shared_ptr<columnar::RecordBatch>> Next() {
    if (!error.ok()) return error;
    if (!started) {
      started = true;
      Status s = Start();
      if (!s.ok()) return error = s;
    }
    int64_t rows = 0, bytes = 0;
    // Cut a batch before its strings could overflow int32 offsets.
    constexpr int64_t kMaxBatchBytes = 256ll << 20;
    while (!done && rows < options.batch_size && bytes < kMaxBatchBytes) {
      auto got = ReadRecord();
      if (!got.ok()) return error = got.status();
      if (!*got) {
        done = true;
        break;
      }
      Status s = ConvertRecord();
      if (!s.ok()) return error = s;
      bytes += static_cast<int64_t>(rec.bytes.size());
      ++rows;
    }
    if (rows == 0) return std::shared_ptr<columnar::RecordBatch>();
    std::vector<columnar::ArrayPtr> columns;
    for (auto& b : builders) columns.push_back(b->Finish());
    return std::make_shared<columnar::RecordBatch>(schema, std::move(columns), rows);
  }
};

CsvReader::CsvReader(std::istream* in, std::shared_ptr<const columnar::Schema> schema, CsvReadOptions options)
    : impl_(std::make_unique<Impl>(in, std::move(schema), std::move(options))) {}
CsvReader::~CsvReader() = default;
Result<std::shared_ptr<columnar::RecordBatch>> CsvReader::Next() { return impl_->Next(); }

Result<std::vector<std::shared_ptr<columnar::RecordBatch>>> ReadCsv(std::string_view text,
                                                                    std::shared_ptr<const columnar::Schema> schema,
                                                                    CsvReadOptions options) {
  std::istringstream in{std::string(text)};
  CsvReader reader(&in, std::move(schema), std::move(options));
  return text::ReadAllBatches(reader);
}

Result<std::vector<std::shared_ptr<columnar::RecordBatch>>> ReadCsvFile(const std::string& path,
                                                                        std::shared_ptr<const columnar::Schema> schema,
                                                                        CsvReadOptions options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno(errno, "opening " + path);
  if (options.source_name == "<input>") options.source_name = path;
  CsvReader reader(&in, std::move(schema), std::move(options));
  return text::ReadAllBatches(reader);
}

}  // namespace tide::format
