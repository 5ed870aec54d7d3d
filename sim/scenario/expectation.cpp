#include "sim/scenario/expectation.h"

#include <array>

namespace packsim::scenario {

namespace {

constexpr std::array<std::string_view, 1> kStopWithin{"within"};
constexpr std::array<std::string_view, 1> kStopWhile{"while"};
constexpr std::array<std::string_view, 1> kStopOf{"of"};

constexpr std::string_view kForms{"start with never, always, eventually, 'at end' or 'after <time>', "
                                  "or end with 'within <time> of <condition>'"};

// never/always C [while W]
void never_or_always(SentenceParser& parser, Expectation& result) {
  result.condition = parser.condition(kStopWhile);
  if (parser.accept("while")) {
    result.while_condition = parser.condition();
  }
  parser.expect_end("expected 'while <condition>', 'or', 'and' or the end");
}

// eventually C [within T [of E]]
void eventually(SentenceParser& parser, Expectation& result) {
  result.condition = parser.condition(kStopWithin);
  if (parser.accept("within")) {
    result.time_ns = parser.duration("within");
    if (parser.accept("of")) {
      result.kind = ExpectationKind::kWithinOf;
      result.trigger = parser.condition();
    }
  }
  parser.expect_end("expected 'within <time>', 'or', 'and' or the end");
}

// C within T of E
void within_of(SentenceParser& parser, Expectation& result) {
  result.kind = ExpectationKind::kWithinOf;
  result.condition = parser.condition(kStopWithin);
  parser.expect_word("within", "a condition alone has no time frame: " + std::string{kForms});
  result.time_ns = parser.duration("within");
  parser.expect_word("of", "expected 'of <condition>' after 'within <time>'");
  result.trigger = parser.condition(kStopOf);
  parser.expect_end("expected 'or', 'and' or the end");
}

}  // namespace

std::string_view describe(ExpectationKind kind) {
  switch (kind) {
    case ExpectationKind::kNever: return "never";
    case ExpectationKind::kAlways: return "always";
    case ExpectationKind::kEventually: return "eventually";
    case ExpectationKind::kAtEnd: return "at end";
    case ExpectationKind::kAfter: return "after";
    case ExpectationKind::kWithinOf: return "within";
  }
  return "?";
}

Expectation parse_expectation(const YamlScalar& body, ExpectationForm form, const ConditionContext& context,
                              sim::TimeNs after_ns) {
  SentenceParser parser{body, context};
  Expectation result;
  result.where = body.location();
  result.text = body.text();
  if (parser.peek().kind == SentenceParser::TokenKind::kEnd) {
    parser.fail_at_token(parser.peek(), "expected an expectation, e.g. never max_cell_v > 3.65 V");
  }
  if (form == ExpectationForm::kSentence) {
    if (parser.accept("never")) {
      form = ExpectationForm::kNever;
    } else if (parser.accept("always")) {
      form = ExpectationForm::kAlways;
    } else if (parser.accept("eventually")) {
      form = ExpectationForm::kEventually;
    } else if (parser.accept("at_end")) {
      form = ExpectationForm::kAtEnd;
    } else if (parser.at_word("at")) {
      parser.accept("at");
      parser.expect_word("end", "expected 'at end'");
      form = ExpectationForm::kAtEnd;
    } else if (parser.accept("after")) {
      after_ns = parser.duration("after");
      parser.accept_op(":");  // "after 6 h: ..." reads well; the colon is optional
      form = ExpectationForm::kAfter;
    } else {
      within_of(parser, result);
      return result;
    }
  }
  switch (form) {
    case ExpectationForm::kNever:
      result.kind = ExpectationKind::kNever;
      never_or_always(parser, result);
      break;
    case ExpectationForm::kAlways:
      result.kind = ExpectationKind::kAlways;
      never_or_always(parser, result);
      break;
    case ExpectationForm::kEventually:
      result.kind = ExpectationKind::kEventually;
      eventually(parser, result);
      break;
    case ExpectationForm::kAtEnd:
      result.kind = ExpectationKind::kAtEnd;
      result.condition = parser.condition();
      parser.expect_end("expected 'or', 'and' or the end");
      break;
    case ExpectationForm::kAfter:
      result.kind = ExpectationKind::kAfter;
      result.time_ns = after_ns;
      result.condition = parser.condition();
      parser.expect_end("expected 'or', 'and' or the end");
      break;
    case ExpectationForm::kSentence: break;
  }
  return result;
}

}  // namespace packsim::scenario
