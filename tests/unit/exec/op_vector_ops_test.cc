#include <cmath>

#include "exec/operators/row_codec.h"
#include "exec/vector_ops.h"
#include "op_test_util.h"

namespace tide::exec::testing {
namespace {

std::string Json(const columnar::ArrayData& a, int64_t i) {
  std::string s;
  columnar::AppendValueJson(a, i, &s);
  return s;
}

std::string AllJson(const columnar::ArrayData& a) {
  std::string s;
  for (int64_t i = 0; i < a.length; ++i) {
    if (i) s += ",";
    columnar::AppendValueJson(a, i, &s);
  }
  return s;
}

ArrayPtr ListOfInts(const std::vector<std::optional<std::vector<std::optional<int64_t>>>>& v) {
  auto b = columnar::MakeBuilder(columnar::List(columnar::Int64()));
  auto* lb = static_cast<columnar::ListBuilder*>(b.get());
  auto* ib = static_cast<columnar::Int64Builder*>(lb->value_builder());
  for (const auto& row : v) {
    if (!row) {
      lb->AppendNull();
      continue;
    }
    lb->Append();
    for (auto x : *row) {
      if (x) {
        ib->Append(*x);
      } else {
        ib->AppendNull();
      }
    }
  }
  return b->Finish();
}

TEST(OpVectorOps, TakeFixedWithNullsAndMinusOne) {
  auto a = I64({1, std::nullopt, 3, 4});
  std::vector<int32_t> rows{3, -1, 1, 0, 0};
  auto t = Take(*a, rows.data(), 5);
  EXPECT_EQ(AllJson(*t), "4,null,null,1,1");
  EXPECT_EQ(t->null_count, 2);
  ASSERT_TRUE(t->Validate().ok());
}

TEST(OpVectorOps, TakeStringsOfASlice) {
  auto s = Str({"a", "bb", std::nullopt, "dddd"})->Slice(1, 3);
  std::vector<int32_t> rows{2, 0, 1, -1};
  auto t = Take(*s, rows.data(), 4);
  EXPECT_EQ(AllJson(*t), "\"dddd\",\"bb\",null,null");
  ASSERT_TRUE(t->Validate().ok());
}

TEST(OpVectorOps, TakeListsAndStructs) {
  auto l = ListOfInts({std::vector<std::optional<int64_t>>{1, 2}, std::nullopt,
                       std::vector<std::optional<int64_t>>{}, std::vector<std::optional<int64_t>>{3, std::nullopt}});
  std::vector<int32_t> rows{3, 0, 1, 2, -1};
  auto t = Take(*l, rows.data(), 5);
  EXPECT_EQ(AllJson(*t), "[3,null],[1,2],null,[],null");
  ASSERT_TRUE(t->Validate().ok());

  auto st = columnar::Struct({columnar::MakeField("x", columnar::Int64()), columnar::MakeField("s", columnar::Utf8())});
  auto b = columnar::MakeBuilder(st);
  auto* sb = static_cast<columnar::StructBuilder*>(b.get());
  for (int i = 0; i < 3; ++i) {
    sb->Append();
    static_cast<columnar::Int64Builder*>(sb->child(0))->Append(i);
    static_cast<columnar::BinaryBuilder*>(sb->child(1))->Append(std::string(i + 1, 'z'));
  }
  sb->AppendNull();
  auto sa = b->Finish()->Slice(1, 3);
  std::vector<int32_t> r2{1, 2, 0, -1};
  auto t2 = Take(*sa, r2.data(), 4);
  EXPECT_EQ(AllJson(*t2), "{\"x\":2,\"s\":\"zzz\"},null,{\"x\":1,\"s\":\"zz\"},null");
  ASSERT_TRUE(t2->Validate().ok());
}

TEST(OpVectorOps, ConcatenateAllLayouts) {
  auto c = Concatenate({I64({1, std::nullopt}), I64({3})->Slice(0, 1), I64({7, 8, 9})->Slice(1, 2)});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(AllJson(**c), "1,null,3,8,9");
  auto s = Concatenate({Str({"x", std::nullopt})->Slice(1, 1), Str({"yy", "zzz"})->Slice(1, 1), Str({"w"})});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(AllJson(**s), "null,\"zzz\",\"w\"");
  ASSERT_TRUE((*s)->Validate().ok());
  auto l = Concatenate({ListOfInts({std::vector<std::optional<int64_t>>{1}, std::nullopt})->Slice(1, 1),
                        ListOfInts({std::vector<std::optional<int64_t>>{2, 3}})});
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(AllJson(**l), "null,[2,3]");
  ASSERT_TRUE((*l)->Validate().ok());
  EXPECT_FALSE(Concatenate({I64({1}), Str({"a"})}).ok());
}

TEST(OpVectorOps, ValueAtAndCompare) {
  auto a = F64({1.0, NAN, -0.0, 0.0, 2.5});
  EXPECT_EQ(Json(*ValueAt(*a, 4), 0), "2.5");
  EXPECT_LT(CompareValues(*a, 0, *a, 4), 0);
  EXPECT_GT(CompareValues(*a, 1, *a, 4), 0);  // NaN above everything
  EXPECT_EQ(CompareValues(*a, 1, *a, 1), 0);
  EXPECT_EQ(CompareValues(*a, 2, *a, 3), 0);
  auto s = Str({"abc", "abd", "ab"});
  EXPECT_LT(CompareValues(*s, 0, *s, 1), 0);
  EXPECT_GT(CompareValues(*s, 0, *s, 2), 0);
  auto l = ListOfInts({std::vector<std::optional<int64_t>>{1, 2}, std::vector<std::optional<int64_t>>{1, 3},
                       std::vector<std::optional<int64_t>>{1}});
  EXPECT_LT(CompareValues(*l, 0, *l, 1), 0);
  EXPECT_GT(CompareValues(*l, 0, *l, 2), 0);
}

TEST(OpVectorOps, HashEqualValuesEqually) {
  auto a = F64({0.0, -0.0, NAN, std::nan("2"), 1.0});
  std::vector<uint64_t> h(5, 0);
  HashColumn(*a, h.data(), 5);
  EXPECT_EQ(h[0], h[1]);
  EXPECT_EQ(h[2], h[3]);
  EXPECT_NE(h[0], h[4]);
  auto s1 = Str({"hello", std::nullopt, "world"});
  auto s2 = Str({"x", "hello", std::nullopt})->Slice(1, 2);
  std::vector<uint64_t> h1(3, 7), h2(2, 7);
  HashColumn(*s1, h1.data(), 3);
  HashColumn(*s2, h2.data(), 2);
  EXPECT_EQ(h1[0], h2[0]);
  EXPECT_EQ(h1[1], h2[1]);
  EXPECT_NE(h1[0], h1[2]);
}

TEST(OpVectorOps, RowCodecRoundTrip) {
  auto a = I64({1, std::nullopt, 3});
  auto s = Str({"x", "yy", std::nullopt});
  auto l = ListOfInts({std::vector<std::optional<int64_t>>{1, std::nullopt}, std::nullopt,
                       std::vector<std::optional<int64_t>>{}});
  internal::EncodedRows enc;
  internal::EncodeRows({a.get(), s.get(), l.get()}, 3, &enc);
  ASSERT_EQ(enc.num_rows(), 3);
  std::vector<TypePtr> types{a->type, s->type, l->type};
  std::vector<std::unique_ptr<columnar::ArrayBuilder>> bs;
  std::vector<columnar::ArrayBuilder*> bp;
  for (auto& t : types) {
    bs.push_back(columnar::MakeBuilder(t));
    bp.push_back(bs.back().get());
  }
  for (int64_t i = 0; i < 3; ++i) ASSERT_TRUE(internal::DecodeRow(enc.row(i), types, bp).ok());
  EXPECT_EQ(AllJson(*bs[0]->Finish()), "1,null,3");
  EXPECT_EQ(AllJson(*bs[1]->Finish()), "\"x\",\"yy\",null");
  EXPECT_EQ(AllJson(*bs[2]->Finish()), "[1,null],null,[]");
  // Truncated input is an error, not a crash.
  auto row = enc.row(0);
  EXPECT_FALSE(internal::DecodeRow(row.substr(0, row.size() - 1), types, bp).ok());
}

}  // namespace
}  // namespace tide::exec::testing
