// TPC-H rows per the specification's clause 4.2 (see dbgen.h for what is exact and what is
// simplified). Word lists and weights are the specification's (clause 4.2.2.13 and dists.dss).
#include "cli/tpch/dbgen.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <utility>

#include "columnar/builder.h"
#include "columnar/json.h"

namespace tide::cli::tpch {
namespace {

namespace col = tide::columnar;
using base::Status;

// ---------------------------------------------------------------- random numbers

// splitmix64: a tiny, well-mixed generator. Each row gets its own stream seeded from (table,
// row index), which is what makes the data independent of chunking.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi] (inclusive), without modulo bias worth speaking of (128-bit multiply).
  int64_t Uniform(int64_t lo, int64_t hi) {
    uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>((static_cast<unsigned __int128>(Next()) * span) >> 64);
  }

 private:
  uint64_t state_;
};

Rng RowRng(Table table, int64_t row, uint64_t salt = 0) {
  Rng mixer((static_cast<uint64_t>(table) + 1) * 0x100000001B3ULL ^ (salt << 48));
  uint64_t base = mixer.Next();
  Rng r(base ^ (static_cast<uint64_t>(row) * 0xD1B54A32D192ED03ULL));
  r.Next();
  return r;
}

// ---------------------------------------------------------------- word lists

struct Weighted {
  const char* word;
  int weight;
};

class Distribution {
 public:
  explicit Distribution(std::vector<Weighted> items) : items_(std::move(items)) {
    for (const auto& it : items_) {
      total_ += it.weight;
      cumulative_.push_back(total_);
    }
  }
  const char* Pick(Rng& rng) const {
    int64_t r = rng.Uniform(0, total_ - 1);
    auto pos = std::upper_bound(cumulative_.begin(), cumulative_.end(), r) - cumulative_.begin();
    return items_[pos].word;
  }

 private:
  std::vector<Weighted> items_;
  std::vector<int64_t> cumulative_;
  int64_t total_ = 0;
};

const Distribution& Nouns() {
  static const Distribution d({{"packages", 40}, {"requests", 40}, {"accounts", 40}, {"deposits", 40},
                               {"foxes", 40}, {"ideas", 40}, {"theodolites", 40}, {"pinto beans", 40},
                               {"instructions", 40}, {"dependencies", 40}, {"excuses", 10}, {"platelets", 10},
                               {"asymptotes", 10}, {"courts", 5}, {"dolphins", 5}, {"multipliers", 1},
                               {"sauternes", 1}, {"warthogs", 1}, {"frets", 1}, {"dinos", 1}, {"attainments", 1},
                               {"somas", 1}, {"Tiresias", 1}, {"patterns", 1}, {"forges", 1}, {"braids", 1},
                               {"frays", 1}, {"warhorses", 1}, {"dugouts", 1}, {"notornis", 1}, {"epitaphs", 1},
                               {"pearls", 1}, {"tithes", 1}, {"waters", 1}, {"orbits", 1}, {"gifts", 1},
                               {"sheaves", 1}, {"depths", 1}, {"sentiments", 1}, {"decoys", 1}, {"realms", 1},
                               {"pains", 1}, {"grouches", 1}, {"escapades", 1}, {"hockey players", 1}});
  return d;
}

const Distribution& Verbs() {
  static const Distribution d({{"sleep", 20}, {"wake", 20}, {"are", 20}, {"cajole", 20}, {"haggle", 20},
                               {"nag", 10}, {"use", 10}, {"boost", 10}, {"affix", 5}, {"detect", 5},
                               {"integrate", 5}, {"maintain", 1}, {"nod", 1}, {"was", 1}, {"lose", 1},
                               {"sublate", 1}, {"solve", 1}, {"thrash", 1}, {"promise", 1}, {"engage", 1},
                               {"hinder", 1}, {"print", 1}, {"x-ray", 1}, {"breach", 1}, {"eat", 1}, {"grow", 1},
                               {"impress", 1}, {"mold", 1}, {"poach", 1}, {"serve", 1}, {"run", 1}, {"dazzle", 1},
                               {"snooze", 1}, {"doze", 1}, {"unwind", 1}, {"kindle", 1}, {"play", 1}, {"hang", 1},
                               {"believe", 1}, {"doubt", 1}});
  return d;
}

const Distribution& Adjectives() {
  static const Distribution d({{"special", 20}, {"pending", 20}, {"unusual", 20}, {"express", 20}, {"furious", 1},
                               {"sly", 1}, {"careful", 1}, {"blithe", 1}, {"quick", 1}, {"fluffy", 1}, {"slow", 1},
                               {"quiet", 1}, {"ruthless", 1}, {"thin", 1}, {"close", 1}, {"dogged", 1},
                               {"daring", 1}, {"brave", 1}, {"stealthy", 1}, {"permanent", 1}, {"enticing", 1},
                               {"idle", 1}, {"busy", 1}, {"regular", 50}, {"final", 40}, {"ironic", 40},
                               {"even", 30}, {"bold", 20}, {"silent", 10}});
  return d;
}

const Distribution& Adverbs() {
  static const Distribution d({{"sometimes", 1}, {"always", 1}, {"never", 1}, {"furiously", 50}, {"slyly", 50},
                               {"carefully", 50}, {"blithely", 40}, {"quickly", 30}, {"fluffily", 20},
                               {"slowly", 1}, {"quietly", 1}, {"ruthlessly", 1}, {"thinly", 1}, {"closely", 1},
                               {"doggedly", 1}, {"daringly", 1}, {"bravely", 1}, {"stealthily", 1},
                               {"permanently", 1}, {"enticingly", 1}, {"idly", 1}, {"busily", 1},
                               {"regularly", 1}, {"finally", 1}, {"ironically", 1}, {"evenly", 1}, {"boldly", 1},
                               {"silently", 1}});
  return d;
}

const Distribution& Prepositions() {
  static const Distribution d({{"about", 50}, {"above", 50}, {"according to", 50}, {"across", 50}, {"after", 50},
                               {"against", 40}, {"along", 40}, {"alongside of", 30}, {"among", 30},
                               {"around", 20}, {"at", 10}, {"atop", 1}, {"before", 1}, {"behind", 1},
                               {"beneath", 1}, {"beside", 1}, {"besides", 1}, {"between", 1}, {"beyond", 1},
                               {"by", 1}, {"despite", 1}, {"during", 1}, {"except", 1}, {"for", 1}, {"from", 1},
                               {"in place of", 1}, {"inside", 1}, {"instead of", 1}, {"into", 1}, {"near", 1},
                               {"of", 1}, {"on", 1}, {"outside", 1}, {"over", 1}, {"past", 1}, {"since", 1},
                               {"through", 1}, {"throughout", 1}, {"to", 1}, {"toward", 1}, {"under", 1},
                               {"until", 1}, {"up", 1}, {"upon", 1}, {"without", 1}, {"with", 1}, {"within", 1}});
  return d;
}

const Distribution& Auxiliaries() {
  static const Distribution d({{"do", 1}, {"may", 1}, {"might", 1}, {"shall", 1}, {"will", 1}, {"would", 1},
                               {"can", 1}, {"could", 1}, {"should", 1}, {"ought to", 1}, {"must", 1},
                               {"will have to", 1}, {"shall have to", 1}, {"could have to", 1},
                               {"should have to", 1}, {"must have to", 1}, {"need to", 1}, {"try to", 1}});
  return d;
}

const Distribution& Terminators() {
  static const Distribution d({{".", 50}, {";", 1}, {":", 1}, {"?", 1}, {"!", 1}, {"--", 1}});
  return d;
}

// Sentence shapes (N noun phrase, V verb phrase, P prepositional phrase, T terminator) and the
// phrase shapes, with the specification's weights.
const Distribution& Grammar() {
  static const Distribution d({{"NVT", 3}, {"NVPT", 3}, {"NVNT", 3}, {"NPVNT", 1}, {"NPVPT", 1}});
  return d;
}
const Distribution& NounPhrases() {
  static const Distribution d({{"N", 10}, {"JN", 20}, {"J,JN", 10}, {"DJN", 50}});
  return d;
}
const Distribution& VerbPhrases() {
  static const Distribution d({{"V", 30}, {"XV", 1}, {"VD", 40}, {"XVD", 1}});
  return d;
}

void AppendWord(std::string* out, const char* word) {
  if (!out->empty() && out->back() != ' ') out->push_back(' ');
  out->append(word);
}

void AppendNounPhrase(Rng& rng, std::string* out) {
  for (const char* p = NounPhrases().Pick(rng); *p; ++p) {
    switch (*p) {
      case 'N': AppendWord(out, Nouns().Pick(rng)); break;
      case 'J': AppendWord(out, Adjectives().Pick(rng)); break;
      case 'D': AppendWord(out, Adverbs().Pick(rng)); break;
      case ',': out->push_back(','); break;
    }
  }
}

void AppendVerbPhrase(Rng& rng, std::string* out) {
  for (const char* p = VerbPhrases().Pick(rng); *p; ++p) {
    switch (*p) {
      case 'V': AppendWord(out, Verbs().Pick(rng)); break;
      case 'X': AppendWord(out, Auxiliaries().Pick(rng)); break;
      case 'D': AppendWord(out, Adverbs().Pick(rng)); break;
    }
  }
}

void AppendSentence(Rng& rng, std::string* out) {
  for (const char* p = Grammar().Pick(rng); *p; ++p) {
    switch (*p) {
      case 'N': AppendNounPhrase(rng, out); break;
      case 'V': AppendVerbPhrase(rng, out); break;
      case 'P':
        AppendWord(out, Prepositions().Pick(rng));
        AppendWord(out, "the");
        AppendNounPhrase(rng, out);
        break;
      case 'T': out->append(Terminators().Pick(rng)); break;
    }
  }
}

// The text pool comments are cut from, as in dbgen: sentences of the grammar, concatenated.
// 8 MiB is plenty for the statistics of LIKE predicates and builds in well under a second.
const std::string& TextPool() {
  static const std::string pool = [] {
    constexpr size_t kPoolBytes = 8u << 20;
    std::string text;
    text.reserve(kPoolBytes + 256);
    Rng rng(0x7470636874657874ULL);  // "tpchtext"
    while (text.size() < kPoolBytes) {
      AppendSentence(rng, &text);
      text.push_back(' ');
    }
    text.resize(kPoolBytes);
    return text;
  }();
  return pool;
}

// A comment of length uniform in [min_len, max_len] cut from the pool at a random offset.
std::string_view Comment(Rng& rng, int min_len, int max_len) {
  const std::string& pool = TextPool();
  int64_t len = rng.Uniform(min_len, max_len);
  int64_t off = rng.Uniform(0, static_cast<int64_t>(pool.size()) - len);
  return std::string_view(pool).substr(off, len);
}

constexpr const char* kColors[] = {
    "almond",    "antique",   "aquamarine", "azure",     "beige",     "bisque",    "black",     "blanched",
    "blue",      "blush",     "brown",      "burlywood", "burnished", "chartreuse", "chiffon",  "chocolate",
    "coral",     "cornflower", "cornsilk",  "cream",     "cyan",      "dark",      "deep",      "dim",
    "dodger",    "drab",      "firebrick",  "floral",    "forest",    "frosted",   "gainsboro", "ghost",
    "goldenrod", "green",     "grey",       "honeydew",  "hot",       "indian",    "ivory",     "khaki",
    "lace",      "lavender",  "lawn",       "lemon",     "light",     "lime",      "linen",     "magenta",
    "maroon",    "medium",    "metallic",   "midnight",  "mint",      "misty",     "moccasin",  "navajo",
    "navy",      "olive",     "orange",     "orchid",    "pale",      "papaya",    "peach",     "peru",
    "pink",      "plum",      "powder",     "puff",      "purple",    "red",       "rose",      "rosy",
    "royal",     "saddle",    "salmon",     "sandy",     "seashell",  "sienna",    "sky",       "slate",
    "smoke",     "snow",      "spring",     "steel",     "tan",       "thistle",   "tomato",    "turquoise",
    "violet",    "wheat",     "white",      "yellow"};
static_assert(sizeof(kColors) / sizeof(kColors[0]) == 92, "the specification lists 92 colors");

constexpr const char* kTypeSyllable1[] = {"STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"};
constexpr const char* kTypeSyllable2[] = {"ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"};
constexpr const char* kTypeSyllable3[] = {"TIN", "NICKEL", "BRASS", "STEEL", "COPPER"};
constexpr const char* kContainer1[] = {"SM", "LG", "MED", "JUMBO", "WRAP"};
constexpr const char* kContainer2[] = {"CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"};
constexpr const char* kSegments[] = {"AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD"};
constexpr const char* kPriorities[] = {"1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"};
constexpr const char* kInstructions[] = {"DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"};
constexpr const char* kModes[] = {"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"};

struct NationRow {
  const char* name;
  int region;
};
constexpr NationRow kNations[] = {
    {"ALGERIA", 0}, {"ARGENTINA", 1}, {"BRAZIL", 1},     {"CANADA", 1},         {"EGYPT", 4},
    {"ETHIOPIA", 0}, {"FRANCE", 3},   {"GERMANY", 3},    {"INDIA", 2},          {"INDONESIA", 2},
    {"IRAN", 4},    {"IRAQ", 4},      {"JAPAN", 2},      {"JORDAN", 4},         {"KENYA", 0},
    {"MOROCCO", 0}, {"MOZAMBIQUE", 0}, {"PERU", 1},      {"CHINA", 2},          {"ROMANIA", 3},
    {"SAUDI ARABIA", 4}, {"VIETNAM", 2}, {"RUSSIA", 3},  {"UNITED KINGDOM", 3}, {"UNITED STATES", 1}};
constexpr const char* kRegions[] = {"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"};

template <size_t N>
const char* PickOf(Rng& rng, const char* const (&list)[N]) {
  return list[rng.Uniform(0, N - 1)];
}

// ---------------------------------------------------------------- constants of clause 4.2.3

int32_t Days(int y, int m, int d) { return static_cast<int32_t>(col::DaysFromCivil(y, m, d)); }
const int32_t kStartDate = Days(1992, 1, 1);
const int32_t kEndDate = Days(1998, 12, 31);
const int32_t kCurrentDate = Days(1995, 6, 17);

int64_t Scaled(double base, double scale) {
  return std::max<int64_t>(1, static_cast<int64_t>(std::llround(base * scale)));
}
int64_t PartCount(double sf) { return Scaled(200000, sf); }
int64_t SupplierCount(double sf) { return Scaled(10000, sf); }
int64_t CustomerCount(double sf) { return Scaled(150000, sf); }
int64_t OrderCount(double sf) { return Scaled(1500000, sf); }

int64_t RetailPriceCents(int64_t partkey) {
  return 90000 + ((partkey / 10) % 20001) + 100 * (partkey % 1000);
}

// PS_SUPPKEY / L_SUPPKEY: the i-th (0..3) supplier of a part (clause 4.2.3).
int64_t PartSupplier(int64_t partkey, int64_t i, int64_t suppliers) {
  return (partkey + (i * ((suppliers / 4) + (partkey - 1) / suppliers))) % suppliers + 1;
}

// ---------------------------------------------------------------- batch assembly

using StrB = col::BinaryBuilder;
using I64B = col::Int64Builder;
using I32B = col::Int32Builder;
using DecB = col::Decimal128Builder;

col::TypePtr Money() { return col::Decimal(15, 2); }

std::shared_ptr<const col::Schema> MakeSchema(std::vector<std::pair<const char*, col::TypePtr>> columns) {
  std::vector<col::FieldPtr> fields;
  for (auto& [name, type] : columns) fields.push_back(col::MakeField(name, type, /*nullable=*/false));
  return std::make_shared<const col::Schema>(std::move(fields));
}

// Builders for every column of a schema, typed by the schema's order.
struct Columns {
  explicit Columns(const std::shared_ptr<const col::Schema>& s) : schema(s) {
    for (const auto& f : s->fields()) builders.push_back(col::MakeBuilder(f->type()));
  }
  template <typename B>
  B* at(int i) { return static_cast<B*>(builders[i].get()); }
  int64_t rows() const { return builders.empty() ? 0 : builders[0]->length(); }
  std::shared_ptr<col::RecordBatch> Finish() {
    int64_t n = rows();
    std::vector<col::ArrayPtr> arrays;
    for (auto& b : builders) arrays.push_back(b->Finish());
    return std::make_shared<col::RecordBatch>(schema, std::move(arrays), n);
  }
  std::shared_ptr<const col::Schema> schema;
  std::vector<std::unique_ptr<col::ArrayBuilder>> builders;
};

void AppendPhone(Rng& rng, int64_t nationkey, StrB* b) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d-%03d-%03d-%04d", static_cast<int>(nationkey + 10),
                static_cast<int>(rng.Uniform(100, 999)), static_cast<int>(rng.Uniform(100, 999)),
                static_cast<int>(rng.Uniform(1000, 9999)));
  b->Append(buf);
}

void AppendKeyName(const char* prefix, int64_t key, StrB* b) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s#%09lld", prefix, static_cast<long long>(key));
  b->Append(buf);
}

// Random alphanumeric text of length [min_len, max_len] (addresses).
void AppendVString(Rng& rng, int min_len, int max_len, StrB* b) {
  static constexpr char kAlnum[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,. ";
  char buf[64];
  int64_t len = rng.Uniform(min_len, max_len);
  for (int64_t i = 0; i < len; ++i) buf[i] = kAlnum[rng.Uniform(0, sizeof(kAlnum) - 2)];
  b->Append(std::string_view(buf, len));
}

// ---------------------------------------------------------------- tables

Status GenNation(int64_t begin, int64_t end, const BatchCallback& emit) {
  Columns c(TableSchema(Table::kNation));
  for (int64_t i = begin; i < end; ++i) {
    Rng rng = RowRng(Table::kNation, i);
    c.at<I64B>(0)->Append(i);
    c.at<StrB>(1)->Append(kNations[i].name);
    c.at<I64B>(2)->Append(kNations[i].region);
    c.at<StrB>(3)->Append(Comment(rng, 31, 114));
  }
  return emit(c.Finish());
}

Status GenRegion(int64_t begin, int64_t end, const BatchCallback& emit) {
  Columns c(TableSchema(Table::kRegion));
  for (int64_t i = begin; i < end; ++i) {
    Rng rng = RowRng(Table::kRegion, i);
    c.at<I64B>(0)->Append(i);
    c.at<StrB>(1)->Append(kRegions[i]);
    c.at<StrB>(2)->Append(Comment(rng, 31, 115));
  }
  return emit(c.Finish());
}

void PartRow(int64_t index, Columns& c) {
  Rng rng = RowRng(Table::kPart, index);
  int64_t key = index + 1;
  c.at<I64B>(0)->Append(key);
  // Five distinct colors.
  int picked[5];
  std::string name;
  for (int k = 0; k < 5; ++k) {
    int color;
    bool dup;
    do {
      color = static_cast<int>(rng.Uniform(0, 91));
      dup = std::find(picked, picked + k, color) != picked + k;
    } while (dup);
    picked[k] = color;
    if (k) name.push_back(' ');
    name.append(kColors[color]);
  }
  c.at<StrB>(1)->Append(name);
  int mfgr = static_cast<int>(rng.Uniform(1, 5));
  int brand = static_cast<int>(rng.Uniform(1, 5));
  char buf[64];
  std::snprintf(buf, sizeof buf, "Manufacturer#%d", mfgr);
  c.at<StrB>(2)->Append(buf);
  std::snprintf(buf, sizeof buf, "Brand#%d%d", mfgr, brand);
  c.at<StrB>(3)->Append(buf);
  std::snprintf(buf, sizeof buf, "%s %s %s", PickOf(rng, kTypeSyllable1), PickOf(rng, kTypeSyllable2),
                PickOf(rng, kTypeSyllable3));
  c.at<StrB>(4)->Append(buf);
  c.at<I32B>(5)->Append(static_cast<int32_t>(rng.Uniform(1, 50)));
  std::snprintf(buf, sizeof buf, "%s %s", PickOf(rng, kContainer1), PickOf(rng, kContainer2));
  c.at<StrB>(6)->Append(buf);
  c.at<DecB>(7)->Append(RetailPriceCents(key));
  c.at<StrB>(8)->Append(Comment(rng, 5, 22));
}

void SupplierRow(int64_t index, int64_t suppliers, Columns& c) {
  Rng rng = RowRng(Table::kSupplier, index);
  int64_t key = index + 1;
  c.at<I64B>(0)->Append(key);
  AppendKeyName("Supplier", key, c.at<StrB>(1));
  AppendVString(rng, 10, 40, c.at<StrB>(2));
  int64_t nation = rng.Uniform(0, 24);
  c.at<I64B>(3)->Append(nation);
  AppendPhone(rng, nation, c.at<StrB>(4));
  c.at<DecB>(5)->Append(rng.Uniform(-99999, 999999));
  std::string comment(Comment(rng, 25, 100));
  // SF*5 suppliers get "Customer ... Complaints", SF*5 "Customer ... Recommends" (Q16's
  // BBB filter): 5 in 10,000 each.
  int64_t roll = rng.Uniform(0, 9999);
  if (roll < 10) {
    const char* tail = roll < 5 ? "Complaints" : "Recommends";
    std::string insert = std::string("Customer ") + std::string(Comment(rng, 0, 10)) + " " + tail;
    size_t at = static_cast<size_t>(rng.Uniform(0, comment.size() > insert.size() ? comment.size() - insert.size() : 0));
    comment.replace(at, std::min(insert.size(), comment.size() - at), insert);
  }
  c.at<StrB>(6)->Append(comment);
}

void PartsuppRows(int64_t part_index, int64_t suppliers, Columns& c) {
  int64_t partkey = part_index + 1;
  for (int64_t i = 0; i < 4; ++i) {
    Rng rng = RowRng(Table::kPartsupp, part_index * 4 + i);
    c.at<I64B>(0)->Append(partkey);
    c.at<I64B>(1)->Append(PartSupplier(partkey, i, suppliers));
    c.at<I32B>(2)->Append(static_cast<int32_t>(rng.Uniform(1, 9999)));
    c.at<DecB>(3)->Append(rng.Uniform(100, 100000));
    c.at<StrB>(4)->Append(Comment(rng, 49, 198));
  }
}

void CustomerRow(int64_t index, Columns& c) {
  Rng rng = RowRng(Table::kCustomer, index);
  int64_t key = index + 1;
  c.at<I64B>(0)->Append(key);
  AppendKeyName("Customer", key, c.at<StrB>(1));
  AppendVString(rng, 10, 40, c.at<StrB>(2));
  int64_t nation = rng.Uniform(0, 24);
  c.at<I64B>(3)->Append(nation);
  AppendPhone(rng, nation, c.at<StrB>(4));
  c.at<DecB>(5)->Append(rng.Uniform(-99999, 999999));
  c.at<StrB>(6)->Append(PickOf(rng, kSegments));
  c.at<StrB>(7)->Append(Comment(rng, 29, 116));
}

// One order and its lines.
void OrderRows(int64_t index, double sf, Columns* orders, Columns* lines) {
  Rng rng = RowRng(Table::kOrders, index);
  const int64_t parts = PartCount(sf);
  const int64_t suppliers = SupplierCount(sf);
  const int64_t customers = CustomerCount(sf);
  const int64_t orderkey = OrderKey(index);
  // Customers whose key is a multiple of 3 place no orders: draw among the others.
  const int64_t eligible = customers - customers / 3;
  int64_t k = rng.Uniform(0, eligible - 1);
  const int64_t custkey = (k / 2) * 3 + (k % 2) + 1;
  const int32_t orderdate = static_cast<int32_t>(rng.Uniform(kStartDate, kEndDate - 151));
  const char* priority = PickOf(rng, kPriorities);
  const int64_t clerk = rng.Uniform(1, std::max<int64_t>(1, static_cast<int64_t>(std::llround(sf * 1000))));
  std::string_view ocomment = Comment(rng, 19, 78);

  const int nlines = static_cast<int>(rng.Uniform(1, 7));
  __int128 total = 0;
  int shipped_f = 0;
  for (int ln = 1; ln <= nlines; ++ln) {
    int64_t partkey = rng.Uniform(1, parts);
    int64_t suppkey = PartSupplier(partkey, rng.Uniform(0, 3), suppliers);
    int64_t qty = rng.Uniform(1, 50);
    int64_t discount = rng.Uniform(0, 10);  // hundredths
    int64_t tax = rng.Uniform(0, 8);        // hundredths
    int64_t extprice = qty * RetailPriceCents(partkey);  // cents
    int32_t shipdate = orderdate + static_cast<int32_t>(rng.Uniform(1, 121));
    int32_t commitdate = orderdate + static_cast<int32_t>(rng.Uniform(30, 90));
    int32_t receiptdate = shipdate + static_cast<int32_t>(rng.Uniform(1, 30));
    const char* returnflag = receiptdate <= kCurrentDate ? (rng.Uniform(0, 1) ? "R" : "A") : "N";
    const bool open = shipdate > kCurrentDate;
    if (!open) ++shipped_f;
    const char* instruct = PickOf(rng, kInstructions);
    const char* mode = PickOf(rng, kModes);
    std::string_view lcomment = Comment(rng, 10, 43);
    // extprice * (1 - discount) * (1 + tax), rounded to cents per line.
    __int128 charge = static_cast<__int128>(extprice) * (100 - discount) * (100 + tax);
    total += (charge + 5000) / 10000;
    if (lines) {
      Columns& l = *lines;
      l.at<I64B>(0)->Append(orderkey);
      l.at<I64B>(1)->Append(partkey);
      l.at<I64B>(2)->Append(suppkey);
      l.at<I32B>(3)->Append(ln);
      l.at<DecB>(4)->Append(static_cast<__int128>(qty) * 100);
      l.at<DecB>(5)->Append(extprice);
      l.at<DecB>(6)->Append(discount);
      l.at<DecB>(7)->Append(tax);
      l.at<StrB>(8)->Append(returnflag);
      l.at<StrB>(9)->Append(open ? "O" : "F");
      l.at<I32B>(10)->Append(shipdate);
      l.at<I32B>(11)->Append(commitdate);
      l.at<I32B>(12)->Append(receiptdate);
      l.at<StrB>(13)->Append(instruct);
      l.at<StrB>(14)->Append(mode);
      l.at<StrB>(15)->Append(lcomment);
    }
  }
  if (orders) {
    Columns& o = *orders;
    o.at<I64B>(0)->Append(orderkey);
    o.at<I64B>(1)->Append(custkey);
    o.at<StrB>(2)->Append(shipped_f == nlines ? "F" : shipped_f == 0 ? "O" : "P");
    o.at<DecB>(3)->Append(total);
    o.at<I32B>(4)->Append(orderdate);
    o.at<StrB>(5)->Append(priority);
    AppendKeyName("Clerk", clerk, o.at<StrB>(6));
    o.at<I32B>(7)->Append(0);
    o.at<StrB>(8)->Append(ocomment);
  }
}

}  // namespace

const char* TableName(Table table) {
  switch (table) {
    case Table::kNation: return "nation";
    case Table::kRegion: return "region";
    case Table::kPart: return "part";
    case Table::kSupplier: return "supplier";
    case Table::kPartsupp: return "partsupp";
    case Table::kCustomer: return "customer";
    case Table::kOrders: return "orders";
    case Table::kLineitem: return "lineitem";
  }
  return "?";
}

std::shared_ptr<const col::Schema> TableSchema(Table table) {
  const auto big = col::Int64();
  const auto str = col::Utf8();
  const auto i32 = col::Int32();
  const auto date = col::Date32();
  switch (table) {
    case Table::kNation: {
      static const auto s = MakeSchema({{"n_nationkey", big}, {"n_name", str}, {"n_regionkey", big}, {"n_comment", str}});
      return s;
    }
    case Table::kRegion: {
      static const auto s = MakeSchema({{"r_regionkey", big}, {"r_name", str}, {"r_comment", str}});
      return s;
    }
    case Table::kPart: {
      static const auto s = MakeSchema({{"p_partkey", big}, {"p_name", str}, {"p_mfgr", str}, {"p_brand", str},
                                        {"p_type", str}, {"p_size", i32}, {"p_container", str},
                                        {"p_retailprice", Money()}, {"p_comment", str}});
      return s;
    }
    case Table::kSupplier: {
      static const auto s = MakeSchema({{"s_suppkey", big}, {"s_name", str}, {"s_address", str}, {"s_nationkey", big},
                                        {"s_phone", str}, {"s_acctbal", Money()}, {"s_comment", str}});
      return s;
    }
    case Table::kPartsupp: {
      static const auto s = MakeSchema({{"ps_partkey", big}, {"ps_suppkey", big}, {"ps_availqty", i32},
                                        {"ps_supplycost", Money()}, {"ps_comment", str}});
      return s;
    }
    case Table::kCustomer: {
      static const auto s = MakeSchema({{"c_custkey", big}, {"c_name", str}, {"c_address", str}, {"c_nationkey", big},
                                        {"c_phone", str}, {"c_acctbal", Money()}, {"c_mktsegment", str},
                                        {"c_comment", str}});
      return s;
    }
    case Table::kOrders: {
      static const auto s = MakeSchema({{"o_orderkey", big}, {"o_custkey", big}, {"o_orderstatus", str},
                                        {"o_totalprice", Money()}, {"o_orderdate", date}, {"o_orderpriority", str},
                                        {"o_clerk", str}, {"o_shippriority", i32}, {"o_comment", str}});
      return s;
    }
    case Table::kLineitem: {
      static const auto s = MakeSchema({{"l_orderkey", big},      {"l_partkey", big},      {"l_suppkey", big},
                                        {"l_linenumber", i32},    {"l_quantity", Money()}, {"l_extendedprice", Money()},
                                        {"l_discount", Money()},  {"l_tax", Money()},      {"l_returnflag", str},
                                        {"l_linestatus", str},    {"l_shipdate", date},    {"l_commitdate", date},
                                        {"l_receiptdate", date},  {"l_shipinstruct", str}, {"l_shipmode", str},
                                        {"l_comment", str}});
      return s;
    }
  }
  return nullptr;
}

int64_t DriverRows(Table table, double scale) {
  switch (table) {
    case Table::kNation: return 25;
    case Table::kRegion: return 5;
    case Table::kPart:
    case Table::kPartsupp: return PartCount(scale);
    case Table::kSupplier: return SupplierCount(scale);
    case Table::kCustomer: return CustomerCount(scale);
    case Table::kOrders:
    case Table::kLineitem: return OrderCount(scale);
  }
  return 0;
}

int64_t OrderKey(int64_t index) {
  // dbgen's mk_sparse: keep the low 3 bits, leave 2 bits of every key range unused.
  int64_t i = index + 1;
  int64_t low = i & 7;
  return (((i >> 3) << 2) << 3) + low;
}

Status GenerateRows(Table table, double scale, int64_t begin, int64_t end, int64_t batch_rows,
                    const BatchCallback& emit) {
  if (!(scale > 0) || scale > 100000) {
    return Status::InvalidArgument("TPC-H scale factor must be in (0, 100000], got " + std::to_string(scale));
  }
  const int64_t total = DriverRows(table, scale);
  if (begin < 0 || end > total || begin > end) {
    return Status::InvalidArgument(std::string("TPC-H ") + TableName(table) + ": row range [" + std::to_string(begin) +
                                   ", " + std::to_string(end) + ") is outside [0, " + std::to_string(total) + ")");
  }
  if (batch_rows <= 0) batch_rows = 65536;
  if (begin == end) return Status::OK();
  if (table == Table::kNation) return GenNation(begin, end, emit);
  if (table == Table::kRegion) return GenRegion(begin, end, emit);
  const int64_t suppliers = SupplierCount(scale);
  for (int64_t lo = begin; lo < end; lo += batch_rows) {
    const int64_t hi = std::min(end, lo + batch_rows);
    Columns c(TableSchema(table));
    for (int64_t i = lo; i < hi; ++i) {
      switch (table) {
        case Table::kPart: PartRow(i, c); break;
        case Table::kSupplier: SupplierRow(i, suppliers, c); break;
        case Table::kPartsupp: PartsuppRows(i, suppliers, c); break;
        case Table::kCustomer: CustomerRow(i, c); break;
        case Table::kOrders: OrderRows(i, scale, &c, nullptr); break;
        case Table::kLineitem: OrderRows(i, scale, nullptr, &c); break;
        default: break;
      }
    }
    TIDE_RETURN_IF_ERROR(emit(c.Finish()));
  }
  return Status::OK();
}

}  // namespace tide::cli::tpch
