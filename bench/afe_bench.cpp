// bq76952 emulation hot paths: one register read as a firmware does it (I2C
// write of the register address, 2-byte read) and one full 16-cell ADC scan.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "bms_under_test/afe/adc.h"
#include "bms_under_test/afe/bq76952.h"
#include "bms_under_test/afe/register_map.h"

namespace {

using namespace packsim;

afe::AnalogInputs pack_at_rest() {
  afe::AnalogInputs pins;
  pins.cell_v.fill(3.3);
  pins.stack_v = 52.8;
  pins.pack_v = 52.8;
  pins.ld_v = 52.8;
  pins.sense_v = -2.3e-3;
  return pins;
}

void BM_AfeRegisterRead(benchmark::State& state) {
  afe::Bq76952 chip{afe::Bq76952Config{}};
  chip.advance_to(100 * sim::kNsPerMs, pack_at_rest());
  std::uint8_t reg{afe::command::kCell1Voltage};
  std::uint8_t out[2]{};
  for (auto _ : state) {
    chip.write(0x08, &reg, 1);
    chip.read(0x08, out, 2);
    benchmark::DoNotOptimize(out);
    reg = reg == afe::command::cell_voltage(16) ? afe::command::kCell1Voltage : static_cast<std::uint8_t>(reg + 2);
  }
}
BENCHMARK(BM_AfeRegisterRead);

void BM_AfeAdcScan16Cells(benchmark::State& state) {
  // Datasheet-typical noise on every channel, three thermistors.
  const afe::AdcModel adc{afe::AdcErrorConfig{}, 1};
  afe::AdcInputs in;
  in.cell_v.fill(3.3);
  in.stack_v = 52.8;
  in.pack_v = 52.8;
  in.ld_v = 52.8;
  for (std::size_t pin : {afe::kTs1Pin, afe::kTs2Pin, afe::kTs3Pin}) {
    in.pin_pullup_ohm[pin] = 18'000.0;
    in.pin_ohm[pin] = 10'000.0;
  }
  SeededRng noise{2};
  afe::AdcResults out;
  for (auto _ : state) {
    adc.scan(in, 0, noise, out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_AfeAdcScan16Cells);

// One measurement loop of the whole device (scan, CC2, protections, FETs, alarms).
void BM_AfeDeviceLoop(benchmark::State& state) {
  afe::Bq76952 chip{afe::Bq76952Config{}};
  const afe::AnalogInputs pins{pack_at_rest()};
  chip.advance_to(0, pins);
  const std::uint8_t sleep_disable[3]{afe::command::kSubcommandLow, 0x9A, 0x00};  // stay in NORMAL mode
  chip.write(0x08, sleep_disable, sizeof sleep_disable);
  sim::TimeNs t{0};
  for (auto _ : state) {
    t += 57 * sim::kNsPerMs;
    chip.advance_to(t, pins);
  }
}
BENCHMARK(BM_AfeDeviceLoop);

}  // namespace
