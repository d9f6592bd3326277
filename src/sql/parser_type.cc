// Data types: the names Spark accepts in CAST and column definitions.
#include "sql/parser_internal.h"

namespace tide::sql::internal {
namespace {

struct TypeWord {
  std::string_view word;
  TypeName name;
};
constexpr TypeWord kTypeWords[] = {
    {"TINYINT", TypeName::kTinyInt},   {"BYTE", TypeName::kTinyInt},       {"SMALLINT", TypeName::kSmallInt},
    {"SHORT", TypeName::kSmallInt},    {"INT", TypeName::kInt},            {"INTEGER", TypeName::kInt},
    {"BIGINT", TypeName::kBigInt},     {"LONG", TypeName::kBigInt},        {"FLOAT", TypeName::kFloat},
    {"REAL", TypeName::kFloat},        {"DOUBLE", TypeName::kDouble},      {"DECIMAL", TypeName::kDecimal},
    {"DEC", TypeName::kDecimal},       {"NUMERIC", TypeName::kDecimal},    {"STRING", TypeName::kString},
    {"VARCHAR", TypeName::kVarchar},   {"CHAR", TypeName::kChar},          {"CHARACTER", TypeName::kChar},
    {"BINARY", TypeName::kBinary},     {"BOOLEAN", TypeName::kBoolean},    {"DATE", TypeName::kDate},
    {"TIMESTAMP", TypeName::kTimestamp}, {"TIMESTAMP_NTZ", TypeName::kTimestampNtz},
    {"TIMESTAMP_LTZ", TypeName::kTimestampLtz}, {"ARRAY", TypeName::kArray}, {"MAP", TypeName::kMap},
    {"STRUCT", TypeName::kStruct},     {"INTERVAL", TypeName::kInterval},  {"VOID", TypeName::kVoid},
};

}  // namespace

Result<TypeSpecPtr> Parser::Type() {
  Nest nest(this);
  if (Deep()) return TooDeep();
  const Token& t = Cur();
  if (t.kind != TokenKind::kWord) return Expected("a type");
  auto spec = std::make_unique<TypeSpec>();
  spec->pos = t.pos;
  spec->spelling = std::string(t.text);
  bool found = false;
  for (const auto& tw : kTypeWords) {
    if (EqualsKeyword(t.text, tw.word)) {
      spec->name = tw.name;
      found = true;
      break;
    }
  }
  if (!found) return Expected("a type");
  Advance();

  // Reads "(n)" or "(p, s)" into precision/scale.
  auto int_param = [&](int max) -> Result<int> {
    if (!Is(TokenKind::kInteger) || Cur().suffix != NumberSuffix::kNone) return Expected("an integer");
    const std::string& digits = Cur().value;
    if (digits.size() > 9 || std::stoi(digits) > max) {
      return ErrorAt(Cur().pos, "type parameter " + digits + " is out of range (at most " + std::to_string(max) + ")");
    }
    int v = std::stoi(digits);
    Advance();
    return v;
  };
  // `>` closing a type may arrive glued to another as `>>` or `>>>`: take one off it.
  auto close_angle = [&]() -> Status {
    Token& c = const_cast<Token&>(Cur());
    if (c.kind == TokenKind::kGt) {
      Advance();
      return Status::OK();
    }
    if (c.kind == TokenKind::kShiftRight || c.kind == TokenKind::kShiftRightUnsigned) {
      c.kind = c.kind == TokenKind::kShiftRight ? TokenKind::kGt : TokenKind::kShiftRight;
      c.pos.column += 1;
      c.offset += 1;
      c.length -= 1;
      c.text = c.text.substr(1);
      return Status::OK();
    }
    return Expected("'>'");
  };

  switch (spec->name) {
    case TypeName::kDouble:
      AcceptWord("PRECISION");
      break;
    case TypeName::kDecimal:
      if (Accept(TokenKind::kLParen)) {
        TIDE_ASSIGN_OR_RETURN(int p, int_param(38));
        spec->precision = p;
        if (Accept(TokenKind::kComma)) {
          TIDE_ASSIGN_OR_RETURN(int s, int_param(38));
          spec->scale = s;
        }
        TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
      }
      break;
    case TypeName::kVarchar:
    case TypeName::kChar: {
      if (!Is(TokenKind::kLParen)) return Expected("'(' and a length");
      Advance();
      TIDE_ASSIGN_OR_RETURN(int n, int_param(1 << 30));
      spec->precision = n;
      TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
      break;
    }
    case TypeName::kArray: {
      TIDE_RETURN_IF_ERROR(Expect(TokenKind::kLt));
      TIDE_ASSIGN_OR_RETURN(auto element, Type());
      spec->children.push_back(std::move(element));
      TIDE_RETURN_IF_ERROR(close_angle());
      break;
    }
    case TypeName::kMap: {
      TIDE_RETURN_IF_ERROR(Expect(TokenKind::kLt));
      TIDE_ASSIGN_OR_RETURN(auto key, Type());
      TIDE_RETURN_IF_ERROR(Expect(TokenKind::kComma));
      TIDE_ASSIGN_OR_RETURN(auto value, Type());
      spec->children.push_back(std::move(key));
      spec->children.push_back(std::move(value));
      TIDE_RETURN_IF_ERROR(close_angle());
      break;
    }
    case TypeName::kStruct: {
      if (Is(TokenKind::kNe)) {  // STRUCT<>: lexed as one '<>' token
        Advance();
        break;
      }
      TIDE_RETURN_IF_ERROR(Expect(TokenKind::kLt));
      if (Is(TokenKind::kGt) || Is(TokenKind::kShiftRight) || Is(TokenKind::kShiftRightUnsigned)) {
        TIDE_RETURN_IF_ERROR(close_angle());
        break;
      }
      do {
        StructFieldSpec field;
        TIDE_ASSIGN_OR_RETURN(field.name, Ident());
        Accept(TokenKind::kColon);
        TIDE_ASSIGN_OR_RETURN(field.type, Type());
        if (IsWord("NOT") && IsWord("NULL", 1)) {
          Advance();
          Advance();
          field.not_null = true;
        }
        if (AcceptWord("COMMENT")) {
          TIDE_ASSIGN_OR_RETURN(auto c, StringLiteral("a string"));
          field.comment = std::move(c);
        }
        spec->fields.push_back(std::move(field));
      } while (Accept(TokenKind::kComma));
      TIDE_RETURN_IF_ERROR(close_angle());
      break;
    }
    case TypeName::kInterval: {
      if (auto unit = IntervalUnitOf(Cur())) {
        spec->interval_from = unit;
        Advance();
        if (IsWord("TO")) {
          Advance();
          auto to = IntervalUnitOf(Cur());
          if (!to) return Expected("an interval unit");
          spec->interval_to = to;
          Advance();
        }
      }
      break;
    }
    default:
      break;
  }
  return spec;
}

}  // namespace tide::sql::internal
