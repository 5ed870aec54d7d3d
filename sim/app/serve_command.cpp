#include "sim/app/serve_command.h"

#include <signal.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <csignal>
#include <fmt/format.h>
#include <memory>
#include <optional>
#include <ostream>
#include <utility>

#include "bms_under_test/hal/firmware_fault.h"
#include "bms_under_test/hal/firmware_loader.h"
#include "sim/runner/run_session.h"
#include "common/input_error.h"
#include "sim/clock/realtime_pacer.h"
#include "sim/hil/hil_rig.h"
#include "sim/hil/reference_firmware.h"
#include "sim/transport/pty_port.h"
#include "sim/transport/slcan_bridge.h"
#include "sim/transport/uart_bridge.h"

namespace packsim::app {

namespace {

constexpr std::string_view kSlcanPrefix{"slcan:"};

InputError option_error(const std::string& option, const std::string& message) {
  return InputError{SourceLocation{option, 1, 1}, message};
}

// A number followed by an optional unit, e.g. "20 s", "500ms", "60%".
std::pair<double, std::string> split_number(const std::string& text, const std::string& option) {
  double value{0.0};
  const char* const end{text.data() + text.size()};
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc{} || !std::isfinite(value)) {
    throw option_error(option, "expected a number, got '" + text + "'");
  }
  std::string unit{stop, end};
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  return {value, unit};
}

// "20", "20 s", "500 ms", "5 min", "2 h": virtual seconds.
double parse_duration_s(const std::string& text) {
  const auto [value, unit] = split_number(text, "--duration");
  double scale{0.0};
  if (unit.empty() || unit == "s") scale = 1.0;
  if (unit == "ms") scale = 1e-3;
  if (unit == "min") scale = 60.0;
  if (unit == "h") scale = 3600.0;
  if (scale == 0.0) throw option_error("--duration", "unknown unit '" + unit + "' (ms, s, min or h)");
  if (value <= 0.0) throw option_error("--duration", "must be positive, got '" + text + "'");
  return value * scale;
}

// "60%", "60 %" or "0.6": a fraction 0..1.
double parse_soc(const std::string& text) {
  const auto [value, unit] = split_number(text, "--initial-soc");
  if (!unit.empty() && unit != "%") throw option_error("--initial-soc", "expected 0..1 or a percentage, got '" + text + "'");
  const double soc{unit == "%" ? value / 100.0 : value};
  if (soc < 0.0 || soc > 1.0) throw option_error("--initial-soc", "SOC must be 0..1 (or 0..100 %), got '" + text + "'");
  return soc;
}

// SIGINT, SIGTERM and SIGHUP ask the loop to stop (it looks after each 1 ms
// period), so the links are removed on the way out. The previous handlers
// come back when this goes out of scope.
class StopSignals {
 public:
  StopSignals() {
    stop_signal_ = 0;
    struct sigaction action{};
    action.sa_handler = [](int signal_number) { stop_signal_ = signal_number; };
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &action, &previous_[i]);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  ~StopSignals() {
    for (std::size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &previous_[i], nullptr);
  }
  int received() const { return stop_signal_; }

 private:
  static constexpr std::array<int, 3> kSignals{SIGINT, SIGTERM, SIGHUP};
  static inline volatile std::sig_atomic_t stop_signal_{0};
  std::array<struct sigaction, 3> previous_{};
};

hil::RigOptions rig_options_of(const ServeOptions& options) {
  hil::RigOptions rig;
  if (!options.pack_path.empty()) rig.pack_file = options.pack_path;
  rig.initial_soc = options.initial_soc;
  rig.ambient_c = options.ambient_c;
  rig.inverter_heartbeat = options.inverter;  // silent, the node only listens
  rig.config_image = hil::config_eeprom_image(hil::reference_default_config());
  return rig;
}

}  // namespace

CLI::App& add_serve_command(CLI::App& app, ServeOptions& options) {
  CLI::App& serve{*app.add_subcommand(
      "serve", "HIL mode: the rig's service UART and CAN bus on ptys that external tools open like USB adapters")};
  serve.footer(
      "Runs paced to the wall clock (1 ms periods) until SIGINT/SIGTERM or --duration; the links are removed\n"
      "on exit. Connect e.g. pyserial to the UART link (JBD service protocol, any baud rate) and\n"
      "python-can (interface=\"slcan\", channel=LINK) or slcand to the CAN link.\n"
      "Exit codes: 0 stopped, 2 bad input, 4 the firmware crashed, exited, hung, flooded a bus or broke its\n"
      "link (a shared object runs in a child process unless --no-isolate).");
  serve.add_option("--uart", options.uart_link, "Path of a symlink to the pty of the BMS's service UART (JBD)");
  serve
      .add_option_function<std::string>(
          "--can",
          [&options](const std::string& spec) {
            if (spec.rfind(kSlcanPrefix, 0) != 0 || spec.size() == kSlcanPrefix.size()) {
              throw option_error("--can", "expected slcan:PATH (an SLCAN adapter on a pty at PATH), got '" + spec + "'");
            }
            options.can_link = spec.substr(kSlcanPrefix.size());
          },
          "slcan:PATH: an SLCAN (Lawicel) USB-CAN adapter on the rig's CAN bus, at a pty symlinked at PATH")
      ->type_name("slcan:PATH");
  serve.add_option("--pack", options.pack_path, "Pack file (YAML; default models/params/packs/lfp_16s1p.yaml)");
  serve
      .add_option_function<std::string>(
          "--initial-soc", [&options](const std::string& text) { options.initial_soc = parse_soc(text); },
          "Initial SOC: 0.6 or 60% (default: the pack file's)")
      ->type_name("SOC");
  serve.add_option("--ambient", options.ambient_c, "Ambient temperature, degC")
      ->check(CLI::Range(-40.0, 85.0))
      ->capture_default_str();
  serve.add_option("--firmware", options.firmware_path,
                   "A firmware shared object (built against bms_hal.h) instead of the reference firmware");
  CLI::Option* isolate{serve.add_flag_callback(
      "--isolate", [&options] { options.isolate = true; },
      "Run the firmware (also the reference one) in a child process: a crash or hang ends serve with exit 4")};
  serve.add_flag_callback("--no-isolate", [&options] { options.isolate = false; },
                          "Load a firmware shared object into packsim itself")
      ->excludes(isolate);
  serve.add_flag_callback("--no-inverter", [&options] { options.inverter = false; },
                          "No built-in inverter heartbeat (0x305): an external inverter is on the SLCAN side");
  serve.add_flag_callback("--realtime", [] {}, "Accepted for symmetry with `run`: serve is always paced to the wall clock");
  serve.add_option("--realtime-speed", options.realtime_speed, "Virtual seconds per wall second")
      ->check(CLI::Range(1e-3, 1e3))
      ->capture_default_str();
  serve
      .add_option_function<std::string>(
          "--duration", [&options](const std::string& text) { options.duration_s = parse_duration_s(text); },
          "Stop after this much simulated time, e.g. 20s, 5min, 2h (default: until SIGINT/SIGTERM)")
      ->type_name("TIME");
  return serve;
}

int run_serve_command(const ServeOptions& options, std::ostream& out, std::ostream& err) {
  if (options.uart_link.empty() && options.can_link.empty()) {
    err << "serve: nothing to serve: give --uart PATH and/or --can slcan:PATH\n";
    return kServeBadInput;
  }

  std::unique_ptr<hil::HilRig> rig;
  try {
    // Loaded as `packsim run` loads it (isolated for a shared object, unless told).
    scenario::FirmwareSpec spec;
    spec.image.path = options.firmware_path;
    runner::RunOptions how;
    how.firmware.isolate = options.isolate;
    rig = std::make_unique<hil::HilRig>(rig_options_of(options), runner::firmware_for_run(spec.image, spec, how));
  } catch (const InputError& error) {
    err << error.what() << '\n';
    return kServeBadInput;
  } catch (const hal::FirmwareLoadError& error) {
    err << "--firmware: " << error.what() << '\n';
    return kServeBadInput;
  } catch (const hal::FirmwareFault& fault) {
    err << "--firmware: " << fault.what() << '\n';
    return kServeFirmwareFault;
  }

  // Declared after the rig: the bridges go first, then the ports (links removed), then the rig.
  std::unique_ptr<transport::PtyPort> uart_port;
  std::unique_ptr<transport::PtyPort> can_port;
  try {
    if (!options.uart_link.empty()) uart_port = std::make_unique<transport::PtyPort>(options.uart_link);
    if (!options.can_link.empty()) can_port = std::make_unique<transport::PtyPort>(options.can_link);
  } catch (const transport::PtyError& error) {
    err << "serve: " << error.what() << '\n';
    return kServeBadInput;
  }
  std::optional<transport::UartBridge> uart;
  std::optional<transport::SlcanBridge> slcan;
  if (uart_port) uart.emplace(*uart_port, rig->host());
  if (can_port) slcan.emplace(*can_port, rig->can_bus());

  const models::Pack& pack{rig->pack()};
  out << fmt::format("packsim serve: {} firmware, {}S{}P pack at {:.0f} % SOC, {} degC ambient\n",
                     options.firmware_path.empty() ? "reference" : options.firmware_path, pack.series(),
                     pack.parallel(), 100.0 * rig->pack_state().soc.mean(), options.ambient_c);
  if (uart_port) out << fmt::format("  UART (JBD service port)  {} -> {}\n", uart_port->link_path(), uart_port->device_path());
  if (can_port) out << fmt::format("  CAN (SLCAN adapter)      {} -> {}\n", can_port->link_path(), can_port->device_path());
  out << fmt::format("  inverter heartbeat 0x305: {}\n", options.inverter ? "built in" : "none (--no-inverter)");
  out << fmt::format("  paced to the wall clock, 1 ms periods, x{:g}; {}\n", options.realtime_speed,
                     options.duration_s ? fmt::format("stops after {:g} s simulated", *options.duration_s)
                                        : std::string{"Ctrl-C stops"});
  out << std::flush;

  const StopSignals signals;
  sim::RealTimePacer pacer{sim::PacerOptions{.period_ns = sim::kNsPerMs, .speed = options.realtime_speed}};
  const sim::TimeNs start_ns{rig->now_ns()};
  const std::optional<sim::TimeNs> end_ns{
      options.duration_s ? std::optional{start_ns + std::llround(*options.duration_s * 1e9)} : std::nullopt};
  pacer.start(start_ns);
  try {
    while (signals.received() == 0 && (!end_ns || rig->now_ns() < *end_ns)) {
      sim::TimeNs slice{pacer.next_deadline_after(rig->now_ns())};
      if (end_ns) slice = std::min(slice, *end_ns);
      rig->run_until_time(slice);
      if (uart) uart->poll();
      if (slcan) slcan->poll();
      pacer.wait_until(slice);
    }
  } catch (const hal::FirmwareFault& fault) {
    err << fmt::format("packsim serve: at {:.3f} s simulated, {}\n", sim::to_seconds(rig->now_ns() - start_ns),
                       fault.what());
    return kServeFirmwareFault;
  }

  const sim::PacerStats& paced{pacer.stats()};
  const char* why{signals.received() == SIGINT ? "SIGINT" : signals.received() == SIGTERM ? "SIGTERM"
                  : signals.received() == SIGHUP ? "SIGHUP" : "the duration"};
  out << fmt::format("packsim serve: stopped by {} after {:.3f} s simulated; {} overruns, late by {:.1f} us at most\n",
                     why, sim::to_seconds(rig->now_ns() - start_ns), paced.overruns,
                     static_cast<double>(paced.max_lateness_ns) / 1e3);
  if (uart) {
    out << fmt::format("  UART: {} bytes to the firmware, {} to the tool, {} dropped (no reader)\n",
                       uart->stats().bytes_to_firmware, uart->stats().bytes_to_tool, uart->stats().bytes_dropped_to_tool);
  }
  if (slcan) {
    out << fmt::format("  SLCAN: {} frames to the bus, {} to the host, {} dropped (no reader), {} lines refused\n",
                       slcan->stats().frames_to_bus, slcan->stats().frames_to_host,
                       slcan->stats().frames_dropped_to_host, slcan->stats().lines_refused);
  }
  return kServeStopped;
}

}  // namespace packsim::app
