// The chip coupled to a 16S1P LFP pack on the scheduler: its pins follow the
// plant, and its FETs and balancing switches really act on the plant.
#include <gtest/gtest.h>

#include <string>

#include "bms_under_test/afe/plant_coupling.h"
#include "models/pack/pack_config.h"
#include "sim/scheduler/scheduler.h"
#include "tests/bms_under_test/afe/afe_test_support.h"

namespace packsim::afe {
namespace {

using sim::kNsPerMs;
using sim::kNsPerS;
using sim::kNsPerUs;
using testing::Host;

models::PackConfig lfp_16s1p(double initial_soc) {
  models::PackConfig config{models::load_pack_config(std::string(PACKSIM_PARAMS_DIR) + "/packs/lfp_16s1p.yaml")};
  config.initial_soc = initial_soc;
  return config;
}

constexpr double kOneC{2.3};

struct CoupledRig {
  explicit CoupledRig(double initial_soc = 0.6, sim::TimeNs sample_ns = kNsPerMs)
      : pack{lfp_16s1p(initial_soc)},
        afe{testing::ideal_config()},
        plant{pack, pack.initial_state(), 100 * kNsPerMs},
        wiring{AfeWiring::for_series(16)},
        afe_component{afe, plant, wiring, sample_ns},
        scheduler{clock},
        host{afe} {
    scheduler.add(plant, 0);  // integrated up to each instant before the chip samples it
    scheduler.add(afe_component, 1);
  }

  void run_for(sim::TimeNs dt) { scheduler.run_until(clock.now() + dt); }
  void boot() {
    run_for(100 * kNsPerMs);
    host.subcommand(subcommand::kFetEnable);
    host.subcommand(subcommand::kSleepDisable);
    run_for(100 * kNsPerMs);
  }
  const models::PackState& state() const { return plant.state().pack; }

  models::Pack pack;
  Bq76952 afe;
  sim::PlantComponent plant;
  AfeWiring wiring;
  AfeComponent afe_component;
  sim::VirtualClock clock;
  sim::Scheduler scheduler;
  Host host;
};

// The loop's sampling: the plant integrated only when sampled, the chip
// sampling it with its own measurement loop.
struct SampledRig {
  SampledRig()
      : pack{lfp_16s1p(0.6)},
        afe{testing::ideal_config()},
        plant{pack, pack.initial_state(), kNsPerS, sim::PlantSampling::kOnDemand},
        afe_component{afe, plant, AfeWiring::for_series(16)},
        scheduler{clock},
        host{afe} {
    scheduler.add(plant, 0);
    scheduler.add(afe_component, 1);
  }
  models::Pack pack;
  Bq76952 afe;
  sim::PlantComponent plant;
  AfeComponent afe_component;
  sim::VirtualClock clock;
  sim::Scheduler scheduler;
  Host host;
};

TEST(AfeSampling, ChipSamplesThePlantOncePerMeasurementLoopAndHoldsThePins) {
  SampledRig rig;
  rig.host.subcommand(subcommand::kSleepDisable);
  rig.plant.set_port(models::ConstantCurrent{kOneC});
  rig.scheduler.run_until(1500 * kNsPerMs);
  const sim::TimeNs sampled_ns{rig.plant.state().time_ns};
  // The last sample is the chip's last scan, less than one loop before now,
  // not every instant.
  EXPECT_LT(sampled_ns, rig.clock.now());
  EXPECT_GT(sampled_ns, rig.clock.now() - 64 * kNsPerMs);
  EXPECT_EQ(rig.afe.state().next_scan_ns - sampled_ns, 57 * kNsPerMs);  // one loop: 19 slots of 3 ms
  // What the chip holds is the plant at that sample.
  const AnalogInputs expected{compute_analog_inputs(rig.plant.state().pack, rig.plant.inputs(), AfeWiring::for_series(16))};
  EXPECT_EQ(rig.afe_component.last_pins(), expected);
}

TEST(AfeSampling, StimulusIsSampledAtTheRequestedInstant) {
  SampledRig rig;
  rig.host.subcommand(subcommand::kSleepDisable);
  rig.host.subcommand(subcommand::kFetEnable);
  rig.scheduler.run_until(200 * kNsPerMs);
  ASSERT_TRUE(rig.plant.inputs().path.discharge_fet_on);
  rig.plant.set_port(models::ConstantCurrent{2.0 * kOneC});
  rig.afe_component.sample_at(rig.clock.now() + kNsPerUs);
  rig.scheduler.run_until(rig.clock.now() + 2 * kNsPerUs);
  EXPECT_EQ(rig.plant.state().time_ns, 200 * kNsPerMs + kNsPerUs);
  EXPECT_NEAR(rig.afe_component.last_pins().sense_v, -2.0 * kOneC * 1e-3, 1e-12);
}

TEST(AfeWiring, SixteenSeriesUsesEveryInput) {
  const AfeWiring wiring{AfeWiring::for_series(16)};
  for (int k = 0; k < 16; ++k) {
    EXPECT_EQ(wiring.vc_group[static_cast<std::size_t>(k)], k);
  }
  EXPECT_EQ(wiring.vcell_mode(), 0xFFFF);
}

TEST(AfeWiring, FewerSeriesGroupsPutTheTopGroupOnVc16) {
  const AfeWiring wiring{AfeWiring::for_series(10)};
  EXPECT_EQ(wiring.vc_group[8], 8);
  EXPECT_EQ(wiring.vc_group[9], AfeWiring::kUnused);
  EXPECT_EQ(wiring.vc_group[15], 9);
  EXPECT_EQ(wiring.vcell_mode(), 0x81FF);
  EXPECT_THROW(AfeWiring::for_series(17), std::invalid_argument);
}

TEST(PlantCoupling, PinsFollowThePlantWithTisCurrentSign) {
  const models::Pack pack{lfp_16s1p(0.5)};
  models::PackState state{pack.initial_state()};
  models::PackInputs inputs;
  inputs.port = models::ConstantCurrent{kOneC};
  pack.step(state, inputs, 1.0);
  const AfeWiring wiring{AfeWiring::for_series(16)};
  const AnalogInputs pins{compute_analog_inputs(state, inputs, wiring)};
  for (int k = 0; k < 16; ++k) {
    EXPECT_DOUBLE_EQ(pins.cell_v[static_cast<std::size_t>(k)], state.group_voltage_v(k));
  }
  EXPECT_DOUBLE_EQ(pins.stack_v, state.terminal_voltage_v);
  EXPECT_DOUBLE_EQ(pins.pack_v, state.load_voltage_v);
  EXPECT_NEAR(pins.sense_v, -kOneC * 1e-3, 1e-12);  // discharging: SRP below SRN
  EXPECT_DOUBLE_EQ(pins.pin_temp_c[kTs1Pin], state.temp_c(0));
}

TEST(PlantCoupling, RegistersReadThePlantsCellsAndCurrent) {
  CoupledRig rig;
  rig.boot();
  rig.plant.mutable_inputs().port = models::ConstantCurrent{kOneC};
  rig.run_for(kNsPerS);
  for (int k = 1; k <= 16; ++k) {
    EXPECT_NEAR(rig.host.read_i16(command::cell_voltage(k)), rig.state().group_voltage_v(k - 1) * 1000.0, 2.0);
  }
  EXPECT_NEAR(rig.host.read_i16(command::kCc2Current), -2300, 2);
  EXPECT_NEAR(rig.host.read_i16(command::kStackVoltage), rig.state().terminal_voltage_v * 100.0, 2);
}

TEST(PlantCoupling, DischargeFetOffStopsAOneCLoadWhileTheCellsStillRead) {
  CoupledRig rig;
  rig.boot();
  rig.plant.mutable_inputs().port = models::ConstantCurrent{kOneC};
  rig.run_for(kNsPerS);
  ASSERT_NEAR(rig.state().pack_current_a, kOneC, 1e-9);
  rig.host.subcommand(subcommand::kDsgPdsgOff);
  rig.run_for(kNsPerS);
  EXPECT_EQ(rig.state().pack_current_a, 0.0);
  EXPECT_NEAR(rig.host.read_i16(command::kPackVoltage), 0, 1);  // nothing holds PACK+ up
  EXPECT_EQ(rig.host.read_i16(command::kCc2Current), 0);
  for (int k = 1; k <= 16; ++k) {
    const int mv{rig.host.read_i16(command::cell_voltage(k))};
    EXPECT_GT(mv, 3100);
    EXPECT_NEAR(mv, rig.state().group_voltage_v(k - 1) * 1000.0, 2.0);
  }
  EXPECT_NEAR(rig.host.read_i16(command::kStackVoltage), rig.state().terminal_voltage_v * 100.0, 2);
}

TEST(PlantCoupling, ChargeStillFlowsThroughTheDischargeFetsBodyDiode) {
  CoupledRig rig;
  rig.boot();
  rig.host.subcommand(subcommand::kDsgPdsgOff);
  rig.plant.mutable_inputs().port = models::CcCvCharger{kOneC / 2.0, 58.4};
  rig.run_for(kNsPerS);
  EXPECT_NEAR(rig.state().pack_current_a, -kOneC / 2.0, 1e-6);
  EXPECT_NEAR(rig.host.read_i16(command::kCc2Current), 1150, 2);  // + = charging
}

TEST(PlantCoupling, ChargeFetOffBlocksTheChargerButNotTheLoad) {
  CoupledRig rig;
  rig.boot();
  rig.host.subcommand(subcommand::kChgPchgOff);
  rig.plant.mutable_inputs().port = models::CcCvCharger{kOneC / 2.0, 58.4};
  rig.run_for(kNsPerS);
  EXPECT_EQ(rig.state().pack_current_a, 0.0);
  EXPECT_NEAR(rig.host.read_i16(command::kPackVoltage), 5840, 1);  // the charger's own voltage
  rig.plant.mutable_inputs().port = models::ConstantCurrent{kOneC};
  rig.run_for(kNsPerS);
  EXPECT_NEAR(rig.state().pack_current_a, kOneC, 1e-9);  // through the CHG body diode
}

TEST(PlantCoupling, BalancingDrawsChargeFromTheChosenCellsOnly) {
  CoupledRig rig{0.6, 50 * kNsPerMs};
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kCbMaxCells, 2); });
  rig.boot();
  const Eigen::ArrayXd soc_before{rig.state().soc};
  rig.host.subcommand_write(subcommand::kCbActiveCells, {0x04, 0x01});  // cells 3 and 9
  rig.run_for(300 * kNsPerS);
  const Eigen::ArrayXd drop{soc_before - rig.state().soc};
  // ~3.26 V / 100 ohm = 33 mA for 300 s on a 2.3 Ah cell: ~0.12 % SOC.
  const double expected{3.26 / 100.0 * 300.0 / 3600.0 / 2.3};
  for (int k = 0; k < 16; ++k) {
    if (k == 2 || k == 8) {
      EXPECT_NEAR(drop(k), expected, 0.1 * expected) << "cell " << k + 1;
    } else {
      EXPECT_LT(std::abs(drop(k)), 0.02 * expected) << "cell " << k + 1;
    }
  }
}

TEST(PlantCoupling, ShortCircuitTripLandsOnItsMicrosecondDeadlineAndStopsTheCurrent) {
  CoupledRig rig;
  rig.boot();
  rig.run_for(500 * kNsPerMs);
  // A hard short on PACK+: ~25 A through the 1 mOhm sense resistor is 25 mV, past
  // the 10 mV SCD threshold. (A harder short makes the plant itself misbehave
  // when its step length changes; see the note in the report.)
  rig.plant.mutable_inputs().port = models::ResistiveLoad{2.0};
  // The chip sees the short at its next sample; SCD then trips 15 us later.
  const sim::TimeNs detect{rig.afe_component.next_event_ns()};
  rig.scheduler.run_until(detect);
  EXPECT_GT(rig.state().pack_current_a, 20.0);
  EXPECT_EQ(rig.afe.register_value(command::kSafetyAlertA), bits::kScd);
  EXPECT_EQ(rig.scheduler.run_until(detect + 15 * kNsPerUs - 1).reached_ns, detect + 15 * kNsPerUs - 1);
  EXPECT_EQ(rig.afe.register_value(command::kSafetyStatusA), 0U);
  rig.scheduler.run_until(detect + 15 * kNsPerUs);
  EXPECT_EQ(rig.afe.register_value(command::kSafetyStatusA), bits::kScd);
  EXPECT_FALSE(rig.plant.mutable_inputs().path.discharge_fet_on);
  rig.run_for(kNsPerMs);
  EXPECT_EQ(rig.state().pack_current_a, 0.0);
}

TEST(PlantCoupling, UndervoltageOpensTheDischargeFetAtTheEndOfDischarge) {
  CoupledRig rig{0.012};
  rig.host.configure([](Host& h) {
    h.dm_write_u1(dm::kEnabledProtectionsA, 0x8C);
    h.dm_write_u1(dm::kCuvThreshold, 45);  // 2.277 V
  });
  rig.boot();
  rig.plant.mutable_inputs().port = models::ConstantCurrent{kOneC};
  rig.run_for(120 * kNsPerS);
  EXPECT_EQ(rig.afe.register_value(command::kSafetyStatusA), bits::kCuv);
  EXPECT_FALSE(rig.plant.mutable_inputs().path.discharge_fet_on);
  EXPECT_EQ(rig.state().pack_current_a, 0.0);
}

}  // namespace
}  // namespace packsim::afe
