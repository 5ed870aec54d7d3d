// Units of scenario files: every unit and prefix, signs and exponents, the
// C-rate / Celsius rule, and errors that point at the offending token.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "sim/scenario/quantity.h"
#include "tests/sim/scenario/scenario_test_support.h"

namespace packsim::scenario::testing {
namespace {

double value_of(const std::string& text, QuantitySet accepted) {
  return parse_quantity(scalar(text), accepted, "x").value;
}

Quantity quantity_of(const std::string& text, QuantitySet accepted) {
  return parse_quantity(scalar(text), accepted, "x").quantity;
}

std::string error(const std::string& text, QuantitySet accepted) {
  return error_of([&] { parse_quantity(scalar(text), accepted, "x"); });
}

TEST(QuantityUnits, VoltageWithPrefixes) {
  EXPECT_DOUBLE_EQ(value_of("2.5 V", Quantity::kVoltage), 2.5);
  EXPECT_DOUBLE_EQ(value_of("2500 mV", Quantity::kVoltage), 2.5);
  EXPECT_DOUBLE_EQ(value_of("1.2 kV", Quantity::kVoltage), 1200.0);
}

TEST(QuantityUnits, CurrentWithPrefixes) {
  EXPECT_DOUBLE_EQ(value_of("10 A", Quantity::kCurrent), 10.0);
  EXPECT_DOUBLE_EQ(value_of("250 mA", Quantity::kCurrent), 0.25);
  EXPECT_DOUBLE_EQ(value_of("5 uA", Quantity::kCurrent), 5e-6);
  EXPECT_DOUBLE_EQ(value_of("5 \xc2\xb5" "A", Quantity::kCurrent), 5e-6);
  EXPECT_DOUBLE_EQ(value_of("1 kA", Quantity::kCurrent), 1000.0);
}

TEST(QuantityUnits, PowerWithPrefixes) {
  EXPECT_DOUBLE_EQ(value_of("100 W", Quantity::kPower), 100.0);
  EXPECT_DOUBLE_EQ(value_of("1 kW", Quantity::kPower), 1000.0);
  EXPECT_DOUBLE_EQ(value_of("500 mW", Quantity::kPower), 0.5);
  EXPECT_DOUBLE_EQ(value_of("2 MW", Quantity::kPower), 2e6);
}

TEST(QuantityUnits, ResistanceInEverySpelling) {
  EXPECT_DOUBLE_EQ(value_of("1 ohm", Quantity::kResistance), 1.0);
  EXPECT_DOUBLE_EQ(value_of("1 Ohm", Quantity::kResistance), 1.0);
  EXPECT_DOUBLE_EQ(value_of("1 \xce\xa9", Quantity::kResistance), 1.0);
  EXPECT_DOUBLE_EQ(value_of("1 \xe2\x84\xa6", Quantity::kResistance), 1.0);
  EXPECT_DOUBLE_EQ(value_of("50 mohm", Quantity::kResistance), 0.05);
  EXPECT_DOUBLE_EQ(value_of("50 mOhm", Quantity::kResistance), 0.05);
  EXPECT_DOUBLE_EQ(value_of("50 m\xce\xa9", Quantity::kResistance), 0.05);
  EXPECT_DOUBLE_EQ(value_of("200 uohm", Quantity::kResistance), 2e-4);
  EXPECT_DOUBLE_EQ(value_of("10 kohm", Quantity::kResistance), 1e4);
  EXPECT_DOUBLE_EQ(value_of("1 Mohm", Quantity::kResistance), 1e6);
}

TEST(QuantityUnits, DurationsFromNanosecondsToDays) {
  EXPECT_DOUBLE_EQ(value_of("100 ns", Quantity::kTime), 1e-7);
  EXPECT_DOUBLE_EQ(value_of("60 us", Quantity::kTime), 6e-5);
  EXPECT_DOUBLE_EQ(value_of("60 \xc2\xb5s", Quantity::kTime), 6e-5);
  EXPECT_DOUBLE_EQ(value_of("100 ms", Quantity::kTime), 0.1);
  EXPECT_DOUBLE_EQ(value_of("10 s", Quantity::kTime), 10.0);
  EXPECT_DOUBLE_EQ(value_of("10 sec", Quantity::kTime), 10.0);
  EXPECT_DOUBLE_EQ(value_of("1.5 min", Quantity::kTime), 90.0);
  EXPECT_DOUBLE_EQ(value_of("2 minutes", Quantity::kTime), 120.0);
  EXPECT_DOUBLE_EQ(value_of("6 h", Quantity::kTime), 21600.0);
  EXPECT_DOUBLE_EQ(value_of("1 hour", Quantity::kTime), 3600.0);
  EXPECT_DOUBLE_EQ(value_of("2 d", Quantity::kTime), 172800.0);
  EXPECT_DOUBLE_EQ(value_of("365 days", Quantity::kTime), 365.0 * 86400.0);
}

TEST(QuantityUnits, TemperaturesInDegreesCelsiusIncludingNegatives) {
  EXPECT_DOUBLE_EQ(value_of("-10 degC", Quantity::kTemperature), -10.0);
  EXPECT_DOUBLE_EQ(value_of("25 \xc2\xb0" "C", Quantity::kTemperature), 25.0);
  EXPECT_DOUBLE_EQ(value_of("25 \xe2\x84\x83", Quantity::kTemperature), 25.0);
  EXPECT_DOUBLE_EQ(value_of("-40degC", Quantity::kTemperature), -40.0);
}

TEST(QuantityUnits, PercentIsHeldAsAFraction) {
  EXPECT_DOUBLE_EQ(value_of("50 %", Quantity::kFraction), 0.5);
  EXPECT_DOUBLE_EQ(value_of("0.5%", Quantity::kFraction), 0.005);
}

TEST(QuantityUnits, CapacityConductanceAndCurrentSquaredTime) {
  EXPECT_DOUBLE_EQ(value_of("2.3 Ah", Quantity::kCapacity), 2.3);
  EXPECT_DOUBLE_EQ(value_of("2300 mAh", Quantity::kCapacity), 2.3);
  EXPECT_DOUBLE_EQ(value_of("0.3 W/K", Quantity::kThermalConductance), 0.3);
  EXPECT_DOUBLE_EQ(value_of("100 A^2s", Quantity::kCurrentSquaredTime), 100.0);
  EXPECT_DOUBLE_EQ(value_of("100 A2s", Quantity::kCurrentSquaredTime), 100.0);
}

TEST(QuantityNumbers, SignsExponentsAndGluedUnits) {
  EXPECT_DOUBLE_EQ(value_of("+5 V", Quantity::kVoltage), 5.0);
  EXPECT_DOUBLE_EQ(value_of("-1.5 A", Quantity::kCurrent), -1.5);
  EXPECT_DOUBLE_EQ(value_of("1e3 mV", Quantity::kVoltage), 1.0);
  EXPECT_DOUBLE_EQ(value_of("2.5e-3 V", Quantity::kVoltage), 2.5e-3);
  EXPECT_DOUBLE_EQ(value_of(".5 V", Quantity::kVoltage), 0.5);
  EXPECT_DOUBLE_EQ(value_of("2.5V", Quantity::kVoltage), 2.5);
  EXPECT_DOUBLE_EQ(value_of("  2.5 V  ", Quantity::kVoltage), 2.5);
}

TEST(QuantityNumbers, UnitsAreCaseSensitive) {
  EXPECT_EQ(error("2 MV", Quantity::kVoltage), "t.yaml:3:12: 'x': unknown unit 'MV'; expected a voltage (V, mV)");
}

// ---- The C rule: the expected quantity decides, never the spacing ----

TEST(QuantityCRule, GluedAndSpacedCAreTheSameCRate) {
  EXPECT_DOUBLE_EQ(value_of("1C", Quantity::kCRate), 1.0);
  EXPECT_DOUBLE_EQ(value_of("1 C", Quantity::kCRate), 1.0);
  EXPECT_DOUBLE_EQ(value_of("0.5C", Quantity::kCRate), 0.5);
  EXPECT_EQ(quantity_of("0.5C", Quantity::kCRate), Quantity::kCRate);
}

TEST(QuantityCRule, CSlashNIsAlwaysACRate) {
  EXPECT_DOUBLE_EQ(value_of("C/20", Quantity::kCRate), 0.05);
  EXPECT_DOUBLE_EQ(value_of("C/2", QuantitySet({Quantity::kCurrent, Quantity::kCRate})), 0.5);
  EXPECT_EQ(error("C/20", Quantity::kTemperature),
            "t.yaml:3:10: 'x': expected a temperature (degC, \xc2\xb0" "C), got a C-rate 'C/20'");
}

TEST(QuantityCRule, GluedAndSpacedCAreTheSameCelsiusWhereATemperatureIsExpected) {
  EXPECT_DOUBLE_EQ(value_of("-10 C", Quantity::kTemperature), -10.0);
  EXPECT_DOUBLE_EQ(value_of("-10C", Quantity::kTemperature), -10.0);
  EXPECT_EQ(quantity_of("50 C", Quantity::kTemperature), Quantity::kTemperature);
}

TEST(QuantityCRule, CIsACRateWhereACurrentOrACRateIsExpected) {
  EXPECT_EQ(quantity_of("2C", QuantitySet({Quantity::kCurrent, Quantity::kCRate})), Quantity::kCRate);
  EXPECT_EQ(quantity_of("2 A", QuantitySet({Quantity::kCurrent, Quantity::kCRate})), Quantity::kCurrent);
}

TEST(QuantityCRule, DegCIsNeverACRate) {
  EXPECT_EQ(error("1 degC", Quantity::kCRate),
            "t.yaml:3:12: 'x': expected a C-rate (e.g. 0.5C, C/20), got a temperature '1 degC'");
}

TEST(QuantityCRule, CWhereNeitherIsExpectedIsRefusedAtTheUnit) {
  EXPECT_EQ(error("50 C", Quantity::kVoltage),
            "t.yaml:3:13: 'x': expected a voltage (V, mV), got '50 C' (a temperature or a C-rate)");
}

TEST(QuantityCRule, ASetWithBothTemperatureAndCRateIsAProgrammingError) {
  EXPECT_THROW(parse_quantity(scalar("1 C"), QuantitySet({Quantity::kTemperature, Quantity::kCRate}), "x"),
               std::logic_error);
}

// ---- Errors, at the offending token (the scalar starts at 3:10) ----

TEST(QuantityErrors, MissingUnitPointsAtTheNumber) {
  EXPECT_EQ(error("2.5", Quantity::kVoltage), "t.yaml:3:10: 'x': '2.5' needs a unit: expected a voltage (V, mV)");
}

TEST(QuantityErrors, WrongQuantityPointsAtTheUnit) {
  EXPECT_EQ(error("2 A", Quantity::kVoltage), "t.yaml:3:12: 'x': expected a voltage (V, mV), got a current '2 A'");
}

TEST(QuantityErrors, UnknownUnitPointsAtTheUnit) {
  EXPECT_EQ(error("2.5 Vx", Quantity::kVoltage), "t.yaml:3:14: 'x': unknown unit 'Vx'; expected a voltage (V, mV)");
}

TEST(QuantityErrors, NanAndInfinityAreNotNumbers) {
  EXPECT_EQ(error("nan V", Quantity::kVoltage), "t.yaml:3:10: 'x': expected a voltage (V, mV), got 'nan'");
  EXPECT_EQ(error("inf V", Quantity::kVoltage), "t.yaml:3:10: 'x': expected a voltage (V, mV), got 'inf'");
  EXPECT_EQ(error(".inf V", Quantity::kVoltage), "t.yaml:3:10: 'x': expected a voltage (V, mV), got '.inf'");
}

TEST(QuantityErrors, NumberBeyondDoubleRangeIsRefused) {
  EXPECT_EQ(error("1e999 V", Quantity::kVoltage), "t.yaml:3:10: 'x': '1e999' is too large or too small a number");
}

TEST(QuantityErrors, MalformedNumberIsRefusedAsAWhole) {
  EXPECT_EQ(error("1.2.3 h", Quantity::kTime),
            "t.yaml:3:10: 'x': '1.2.3' is not a number (digits with one decimal point)");
  EXPECT_EQ(error("1,5 V", Quantity::kVoltage),
            "t.yaml:3:10: 'x': '1,5' is not a number (digits with one decimal point)");
}

TEST(QuantityErrors, TextAfterTheUnitIsRefusedWhereItStarts) {
  EXPECT_EQ(error("2 V extra", Quantity::kVoltage), "t.yaml:3:14: 'x': unexpected 'extra' after the value");
}

TEST(QuantityErrors, EmptyTextSaysWhatIsExpected) {
  EXPECT_EQ(error("", Quantity::kTime), "t.yaml:3:10: 'x': expected a duration (ms, s, min, h, d)");
}

TEST(QuantityErrors, ZeroDivisorOfACRateIsRefused) {
  EXPECT_EQ(error("C/0", Quantity::kCRate), "t.yaml:3:12: 'x': the divisor of C/0 must be > 0");
}

TEST(QuantityRange, OutOfRangeNamesTheBoundInTheDisplayUnitAtTheNumber) {
  const YamlScalar text{scalar("  150 %")};
  const QuantityValue value{parse_quantity(text, Quantity::kFraction, "soc")};
  EXPECT_EQ(error_of([&] { check_range(text, value, NumberRange::closed(0.0, 1.0), "soc"); }),
            "t.yaml:3:12: 'soc': 150 % is out of range; must be <= 100 %");
}

TEST(QuantityRange, BelowTheMinimumSaysWhatIsPossible) {
  const YamlScalar text{scalar("-1 A")};
  const QuantityValue value{parse_quantity(text, Quantity::kCurrent, "current")};
  EXPECT_EQ(error_of([&] { check_range(text, value, NumberRange::positive(), "current"); }),
            "t.yaml:3:10: 'current': -1 A is not possible here; must be > 0 A");
}

TEST(QuantityTime, DurationsBecomeWholeNanoseconds) {
  const YamlScalar text{scalar("100 ms")};
  EXPECT_EQ(to_time_ns(text, parse_quantity(text, Quantity::kTime, "for"), "for"), 100'000'000);
  const YamlScalar long_text{scalar("1e12 s")};
  EXPECT_EQ(error_of([&] { to_time_ns(long_text, parse_quantity(long_text, Quantity::kTime, "for"), "for"); }),
            "t.yaml:3:10: 'for': 1e+12 s is out of range; must be <= 1e+09 s");
}

TEST(QuantityIntegers, DecimalAndHexadecimalWholeNumbers) {
  EXPECT_EQ(parse_integer(scalar("17"), 0, 100, "cell"), 17);
  EXPECT_EQ(parse_integer(scalar("0x305"), 0, 0x7FF, "id"), 0x305);
  EXPECT_EQ(parse_integer(scalar("-3"), -5, 5, "n"), -3);
}

TEST(QuantityIntegers, FractionsAndUnitsAreNotWholeNumbers) {
  EXPECT_EQ(error_of([&] { parse_integer(scalar("3.5"), 0, 10, "cell"); }),
            "t.yaml:3:10: 'cell': expected a whole number, got '3.5'");
  EXPECT_EQ(error_of([&] { parse_integer(scalar("3 V"), 0, 10, "cell"); }),
            "t.yaml:3:12: 'cell': unexpected 'V' after the value");
}

TEST(QuantityIntegers, OutOfRangeNamesTheRange) {
  EXPECT_EQ(error_of([&] { parse_integer(scalar("0x800"), 0, 0x7FF, "id"); }),
            "t.yaml:3:10: 'id': 0x800 is out of range; must be 0..2047");
  EXPECT_EQ(error_of([&] { parse_integer(scalar("99999999999999999999"), 0, 10, "n"); }),
            "t.yaml:3:10: 'n': '99999999999999999999' is out of range; must be 0..10");
}

TEST(QuantityFormatting, ValuesShowInTheirDisplayUnit) {
  EXPECT_EQ(format_quantity(0.5, Quantity::kFraction), "50 %");
  EXPECT_EQ(format_quantity(-10.0, Quantity::kTemperature), "-10 degC");
  EXPECT_EQ(format_quantity(0.5, Quantity::kCRate), "0.5C");
  EXPECT_EQ(describe_expected(QuantitySet({Quantity::kCurrent, Quantity::kCRate})),
            "a current (A, mA) or a C-rate (e.g. 0.5C, C/20)");
}

}  // namespace
}  // namespace packsim::scenario::testing
