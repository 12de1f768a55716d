#include "podium/engine/nomination.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace podium::engine {

namespace {

bool IsFieldByte(unsigned char c) {
  // Roster columns may be Chinese, so every non-ASCII byte counts as a letter.
  return std::isalnum(c) || c == '_' || c == '.' || c == '-' || c >= 0x80;
}

// Parses all of `text` as a number; nullopt if it is not one.
std::optional<double> ToNumber(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;  // "inf" and "nan" in a roster are text, not numbers
  }
  return value;
}

}  // namespace

class RuleParser final {
 public:
  RuleParser(std::string_view text, NominationRule& rule) : text_(text), rule_(rule) {}

  Status Parse() {
    PODIUM_ASSIGN_OR_RETURN(rule_.root_, ParseOr());
    SkipSpace();
    if (pos_ != text_.size())
      return Error("unexpected text '" + std::string(text_.substr(pos_)) + "'");
    return OkStatus();
  }

 private:
  using Op = NominationRule::Op;

  Status Error(std::string what) const {
    // Columns count characters, not bytes: rules are often Chinese.
    int column = 1;
    for (size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    }
    return InvalidArgumentError("rule `" + std::string(text_) + "` at column " +
                                std::to_string(column) + ": " + std::move(what));
  }

  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  // Consumes `word` (a keyword needs a non-field byte after it).
  bool Accept(std::string_view word) {
    SkipSpace();
    if (text_.substr(pos_, word.size()) != word) return false;
    const bool keyword = std::isalpha(static_cast<unsigned char>(word[0]));
    const size_t end = pos_ + word.size();
    if (keyword && end < text_.size() && IsFieldByte(static_cast<unsigned char>(text_[end]))) {
      return false;
    }
    pos_ = end;
    return true;
  }

  int Add(NominationRule::Node node) {
    rule_.nodes_.push_back(std::move(node));
    return static_cast<int>(rule_.nodes_.size()) - 1;
  }

  StatusOr<int> ParseOr() {
    PODIUM_ASSIGN_OR_RETURN(int left, ParseAnd());
    while (Accept("or") || Accept("||")) {
      PODIUM_ASSIGN_OR_RETURN(const int right, ParseAnd());
      left = Add({.op = Op::kOr, .left = left, .right = right});
    }
    return left;
  }

  StatusOr<int> ParseAnd() {
    PODIUM_ASSIGN_OR_RETURN(int left, ParseUnary());
    while (Accept("and") || Accept("&&")) {
      PODIUM_ASSIGN_OR_RETURN(const int right, ParseUnary());
      left = Add({.op = Op::kAnd, .left = left, .right = right});
    }
    return left;
  }

  StatusOr<int> ParseUnary() {
    if (Accept("not") || (!LooksLike("!=") && Accept("!"))) {
      PODIUM_ASSIGN_OR_RETURN(const int inner, ParseUnary());
      return Add({.op = Op::kNot, .left = inner});
    }
    if (Accept("(")) {
      PODIUM_ASSIGN_OR_RETURN(const int inner, ParseOr());
      if (!Accept(")")) return Error("expected ')'");
      return inner;
    }
    PODIUM_ASSIGN_OR_RETURN(const int left, ParseOperand());
    Op op;
    if (Accept("==")) {
      op = Op::kEq;
    } else if (Accept("!=")) {
      op = Op::kNe;
    } else if (Accept("<=")) {
      op = Op::kLe;
    } else if (Accept(">=")) {
      op = Op::kGe;
    } else if (Accept("<")) {
      op = Op::kLt;
    } else if (Accept(">")) {
      op = Op::kGt;
    } else {
      return Error("expected a comparison (== != < <= > >=)");
    }
    PODIUM_ASSIGN_OR_RETURN(const int right, ParseOperand());
    return Add({.op = op, .left = left, .right = right});
  }

  bool LooksLike(std::string_view word) {
    SkipSpace();
    return text_.substr(pos_, word.size()) == word;
  }

  StatusOr<int> ParseOperand() {
    SkipSpace();
    if (pos_ >= text_.size()) return Error("expected a number, string or field");
    const char c = text_[pos_];
    if (c == '"' || c == '\'') {
      const size_t close = text_.find(c, pos_ + 1);
      if (close == std::string_view::npos) return Error("unterminated string");
      std::string value(text_.substr(pos_ + 1, close - pos_ - 1));
      pos_ = close + 1;
      return Add({.op = Op::kString, .text = std::move(value)});
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.') {
      // Digits, a decimal point and an exponent: 85, -3, +2.5, .5, 1e3.
      size_t end = pos_ + 1;
      while (end < text_.size()) {
        const char d = text_[end];
        const bool exponent_sign =
            (d == '-' || d == '+') && (text_[end - 1] == 'e' || text_[end - 1] == 'E');
        if (!std::isdigit(static_cast<unsigned char>(d)) && d != '.' && d != 'e' && d != 'E' &&
            !exponent_sign) {
          break;
        }
        ++end;
      }
      const size_t start = c == '+' ? pos_ + 1 : pos_;
      std::string literal(text_.substr(start, end - start));
      if (!literal.empty() && literal[0] == '.') literal.insert(0, "0");
      if (literal.size() > 1 && literal[0] == '-' && literal[1] == '.') literal.insert(1, "0");
      const auto number = ToNumber(literal);
      if (!number) return Error("bad number");
      pos_ = end;
      return Add({.op = Op::kNumber, .number = *number});
    }
    if (!IsFieldByte(static_cast<unsigned char>(c)) || c == '.' || c == '-') {
      return Error("expected a number, string or field");
    }
    size_t end = pos_;
    while (end < text_.size() && IsFieldByte(static_cast<unsigned char>(text_[end]))) ++end;
    std::string field(text_.substr(pos_, end - pos_));
    if (field == "and" || field == "or" || field == "not") {
      return Error("expected a number, string or field, not '" + field + "'");
    }
    pos_ = end;
    return Add({.op = Op::kField, .text = std::move(field)});
  }

  std::string_view text_;
  NominationRule& rule_;
  size_t pos_ = 0;
};

StatusOr<NominationRule> NominationRule::Parse(std::string_view text) {
  NominationRule rule;
  rule.text_ = std::string(text);
  RuleParser parser(text, rule);
  PODIUM_RETURN_IF_ERROR(parser.Parse());
  return rule;
}

std::vector<std::string> NominationRule::FieldNames() const {
  std::vector<std::string> names;
  for (const Node& node : nodes_) {
    if (node.op == Op::kField) names.push_back(node.text);
  }
  return names;
}

bool NominationRule::Matches(const RuleFields& fields) const {
  return root_ >= 0 && Eval(root_, fields);
}

RuleValue NominationRule::Operand(int node, const RuleFields& fields) const {
  const Node& n = nodes_[node];
  switch (n.op) {
    case Op::kNumber:
      return n.number;
    case Op::kString:
      return n.text;
    default:
      return fields.Get(n.text);
  }
}

bool NominationRule::Eval(int node, const RuleFields& fields) const {
  const Node& n = nodes_[node];
  switch (n.op) {
    case Op::kOr:
      return Eval(n.left, fields) || Eval(n.right, fields);
    case Op::kAnd:
      return Eval(n.left, fields) && Eval(n.right, fields);
    case Op::kNot:
      return !Eval(n.left, fields);
    default:
      break;
  }
  const RuleValue a = Operand(n.left, fields);
  const RuleValue b = Operand(n.right, fields);
  const bool numeric = std::holds_alternative<double>(a) || std::holds_alternative<double>(b);
  int cmp = 0;  // <0, 0, >0
  if (numeric) {
    auto as_number = [](const RuleValue& v) {
      if (const double* d = std::get_if<double>(&v)) return *d;
      return ToNumber(std::get<std::string>(v)).value_or(std::nan(""));
    };
    const double x = as_number(a);
    const double y = as_number(b);
    if (std::isnan(x) || std::isnan(y)) return n.op == Op::kNe;
    cmp = x < y ? -1 : (x > y ? 1 : 0);
  } else {
    cmp = std::get<std::string>(a).compare(std::get<std::string>(b));
  }
  switch (n.op) {
    case Op::kEq:
      return cmp == 0;
    case Op::kNe:
      return cmp != 0;
    case Op::kLt:
      return cmp < 0;
    case Op::kLe:
      return cmp <= 0;
    case Op::kGt:
      return cmp > 0;
    case Op::kGe:
      return cmp >= 0;
    default:
      return false;
  }
}

}  // namespace podium::engine
