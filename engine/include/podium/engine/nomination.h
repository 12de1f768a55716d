// Nomination rules: small boolean expressions over a contestant's standing and
// roster fields, e.g. `rank == 1 and eligible == "是"` or `rank > 5 and rank <= 15`.
//
// Grammar:  expr := and ('or' and)* ;  and := unary ('and' unary)* ;
//           unary := 'not' unary | '(' expr ')' | operand op operand ;
//           op := == != < <= > >= ;  operand := number | "string" | field
// `&&`, `||` and `!` are accepted for and/or/not. A field is a name such as
// rank, total, award, status, trade, team_rank, event.ID or any roster
// column. A missing value (an unranked contestant's rank, a blank
// roster cell compared with a number) makes every comparison false except !=.
#ifndef PODIUM_ENGINE_NOMINATION_H_
#define PODIUM_ENGINE_NOMINATION_H_

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "podium/status.h"

namespace podium::engine {

// A value a rule compares: a number (NaN = missing) or text.
using RuleValue = std::variant<double, std::string>;

// Supplies field values for one contestant while a rule is evaluated.
class RuleFields {
 public:
  virtual ~RuleFields() = default;
  virtual RuleValue Get(std::string_view field) const = 0;
};

// A compiled rule. Cheap to copy; immutable.
class NominationRule final {
 public:
  // Errors: kInvalidArgument naming the column and what was expected, e.g.
  // "rule `rank <= ` at column 9: expected a number, string or field".
  static StatusOr<NominationRule> Parse(std::string_view text);

  bool Matches(const RuleFields& fields) const;
  const std::string& text() const { return text_; }
  // Every field name the rule reads, so callers can check they exist.
  std::vector<std::string> FieldNames() const;

 private:
  enum class Op { kOr, kAnd, kNot, kEq, kNe, kLt, kLe, kGt, kGe, kNumber, kString, kField };
  struct Node {
    Op op;
    int left = -1;
    int right = -1;
    double number = 0;
    std::string text;  // string literal or field name
  };
  friend class RuleParser;

  bool Eval(int node, const RuleFields& fields) const;
  RuleValue Operand(int node, const RuleFields& fields) const;

  std::string text_;
  std::vector<Node> nodes_;
  int root_ = -1;
};

// A named nomination list (e.g. labour-medal candidates) and the trades it covers.
struct Nomination {
  std::string id;
  std::string name;
  std::vector<int> trades;  // trade indices; every trade if the spec named none
  NominationRule rule;
};

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_NOMINATION_H_
