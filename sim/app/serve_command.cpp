#include "sim/app/serve_command.h"

#include <signal.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <csignal>
#include <fmt/format.h>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <ostream>
#include <string_view>
#include <utility>

#include "bms_under_test/hal/firmware_fault.h"
#include "bms_under_test/hal/firmware_loader.h"
#include "sim/runner/run_session.h"
#include "common/input_error.h"
#include "sim/clock/realtime_pacer.h"
#include "sim/hil/hil_rig.h"
#include "sim/hil/reference_firmware.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/transport/pty_port.h"
#include "sim/transport/slcan_bridge.h"
#include "sim/transport/uart_bridge.h"

namespace packsim::app {

namespace {

constexpr std::string_view kSlcanPrefix{"slcan:"};

// The values serve accepts, one place for the command line and for callers
// that fill ServeOptions themselves.
constexpr double kMinAmbientC{-40.0};
constexpr double kMaxAmbientC{85.0};
constexpr double kMinSpeed{1e-3};
constexpr double kMaxSpeed{1e3};
// Ten years of simulated time: far below what the nanosecond clock holds (292 years).
constexpr double kMaxDurationS{10.0 * 365.0 * 86400.0};

// "--ambient: ..." (no line:column: an option is not a file).
InputError option_error(const std::string& option, const std::string& message) {
  return InputError{SourceLocation{option, 0, 0}, message};
}

// A number followed by an optional unit, e.g. "20 s", "500ms", "60%"; anything
// else, or a value that is not finite, is refused saying what is expected.
std::pair<double, std::string> split_number(const std::string& text, const std::string& option,
                                            const std::string& expected) {
  double value{0.0};
  const char* const end{text.data() + text.size()};
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc{} || !std::isfinite(value)) {
    throw option_error(option, "expected " + expected + ", got '" + text + "'");
  }
  std::string unit{stop, end};
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  return {value, unit};
}

std::string ambient_expected() {
  return fmt::format("a temperature in degC within {:g}..{:g}", kMinAmbientC, kMaxAmbientC);
}
std::string speed_expected() {
  return fmt::format("virtual seconds per wall second within {:g}..{:g}", kMinSpeed, kMaxSpeed);
}
std::string duration_expected() {
  return fmt::format("a positive simulated time of at most {:g} h, e.g. 20s, 500ms, 5min, 2h", kMaxDurationS / 3600.0);
}
constexpr const char* kSocExpected{"an SOC within 0..1 or 0..100 %"};

// `given`: the value as the user wrote it, for the message.
void check_ambient(double ambient_c, const std::string& given) {
  if (!std::isfinite(ambient_c) || ambient_c < kMinAmbientC || ambient_c > kMaxAmbientC) {
    throw option_error("--ambient", "'" + given + "' is not accepted; expected " + ambient_expected());
  }
}
void check_speed(double speed, const std::string& given) {
  if (!std::isfinite(speed) || speed < kMinSpeed || speed > kMaxSpeed) {
    throw option_error("--realtime-speed", "'" + given + "' is not accepted; expected " + speed_expected());
  }
}
void check_duration(double duration_s, const std::string& given) {
  if (!std::isfinite(duration_s) || duration_s <= 0.0 || duration_s > kMaxDurationS) {
    throw option_error("--duration", "'" + given + "' is not accepted; expected " + duration_expected());
  }
}
void check_soc(double soc, const std::string& given) {
  if (!std::isfinite(soc) || soc < 0.0 || soc > 1.0) {
    throw option_error("--initial-soc", "'" + given + "' is not accepted; expected " + kSocExpected);
  }
}

// "25", "25 degC", "-10C": degC.
double parse_ambient(const std::string& text) {
  const auto [value, unit] = split_number(text, "--ambient", ambient_expected());
  if (!unit.empty() && unit != "degC" && unit != "C" && unit != "\u00b0C") {
    throw option_error("--ambient", "expected " + ambient_expected() + ", got '" + text + "'");
  }
  check_ambient(value, text);
  return value;
}

// "2", "0.5": virtual seconds per wall second.
double parse_speed(const std::string& text) {
  const auto [value, unit] = split_number(text, "--realtime-speed", speed_expected());
  if (!unit.empty() && unit != "x") {
    throw option_error("--realtime-speed", "expected " + speed_expected() + ", got '" + text + "'");
  }
  check_speed(value, text);
  return value;
}

// "20", "20 s", "500 ms", "5 min", "2 h": virtual seconds.
double parse_duration_s(const std::string& text) {
  const auto [value, unit] = split_number(text, "--duration", duration_expected());
  double scale{0.0};
  if (unit.empty() || unit == "s") scale = 1.0;
  if (unit == "ms") scale = 1e-3;
  if (unit == "min") scale = 60.0;
  if (unit == "h") scale = 3600.0;
  if (scale == 0.0) throw option_error("--duration", "unknown unit '" + unit + "' (ms, s, min or h) in '" + text + "'");
  check_duration(value * scale, text);
  return value * scale;
}

// "60%", "60 %" or "0.6": a fraction 0..1.
double parse_soc(const std::string& text) {
  const auto [value, unit] = split_number(text, "--initial-soc", kSocExpected);
  if (!unit.empty() && unit != "%") throw option_error("--initial-soc", std::string{"expected "} + kSocExpected + ", got '" + text + "'");
  const double soc{unit == "%" ? value / 100.0 : value};
  check_soc(soc, text);
  return soc;
}

// Every numeric option again, for callers that filled ServeOptions themselves.
void check_options(const ServeOptions& options) {
  check_ambient(options.ambient_c, fmt::format("{:g}", options.ambient_c));
  check_speed(options.realtime_speed, fmt::format("{:g}", options.realtime_speed));
  if (options.duration_s) check_duration(*options.duration_s, fmt::format("{:g} s", *options.duration_s));
  if (options.initial_soc) check_soc(*options.initial_soc, fmt::format("{:g}", *options.initial_soc));
  if (!options.uart_link.empty() && !options.can_link.empty() &&
      transport::same_link_path(options.uart_link, options.can_link)) {
    throw option_error("--can", "slcan:" + options.can_link + " is the same path as --uart " + options.uart_link +
                                    "; give each link its own path");
  }
}

// SIGINT, SIGTERM, SIGHUP and SIGQUIT ask the loop to stop (it looks after
// each 1 ms period), so the links are removed on the way out. The previous
// handlers come back when this goes out of scope.
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
  static constexpr std::array<int, 4> kSignals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  static inline volatile std::sig_atomic_t stop_signal_{0};
  std::array<struct sigaction, kSignals.size()> previous_{};
};

const char* stop_signal_name(int signal_number) {
  switch (signal_number) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    case SIGQUIT:
      return "SIGQUIT";
    default:
      return "the duration";
  }
}

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
      "Runs paced to the wall clock (1 ms periods) until SIGINT/SIGTERM/SIGHUP/SIGQUIT or --duration; the links\n"
      "are removed on every exit. Connect e.g. pyserial to the UART link (JBD service protocol, any baud rate) and\n"
      "python-can (interface=\"slcan\", channel=LINK) or slcand to the CAN link.\n"
      "Exit codes: 0 stopped (a signal or the duration); 2 bad input: an option's value (named, with the range it\n"
      "accepts), a pack the bq76952 or the firmware cannot take, one path for both links, a link that cannot be\n"
      "made; 3 could not run: the physics stopped, a link failed, memory ran out, an internal error; 4 the\n"
      "firmware crashed, exited, hung, flooded a bus or broke its link (a shared object runs in a child process\n"
      "unless --no-isolate).");
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
  serve
      .add_option_function<std::string>(
          "--ambient", [&options](const std::string& text) { options.ambient_c = parse_ambient(text); },
          fmt::format("Ambient temperature, degC ({:g}..{:g})", kMinAmbientC, kMaxAmbientC))
      ->type_name("C")
      ->default_str(fmt::format("{:g}", ServeOptions{}.ambient_c));
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
  serve
      .add_option_function<std::string>(
          "--realtime-speed", [&options](const std::string& text) { options.realtime_speed = parse_speed(text); },
          fmt::format("Virtual seconds per wall second ({:g}..{:g})", kMinSpeed, kMaxSpeed))
      ->type_name("X")
      ->default_str(fmt::format("{:g}", ServeOptions{}.realtime_speed));
  serve
      .add_option_function<std::string>(
          "--duration", [&options](const std::string& text) { options.duration_s = parse_duration_s(text); },
          "Stop after this much simulated time, e.g. 20s, 5min, 2h (default: until a stop signal)")
      ->type_name("TIME");
  return serve;
}

namespace {

// The pack serve would run, checked as `packsim run` checks a scenario's
// (sim/scenario/scenario_loader.h): the bq76952 wires it, and the reference
// firmware, flashed with its defaults, is configured for it.
models::PackConfig checked_pack(const ServeOptions& options, const bms_config& reference_config) {
  const std::string path{options.pack_path.empty() ? hil::RigOptions{}.pack_file : options.pack_path};
  models::PackConfig pack{models::load_pack_config(path)};
  const SourceLocation where{"--pack " + path, 0, 0};
  scenario::check_pack_fits_afe(pack, where);
  if (options.firmware_path.empty()) {
    scenario::check_reference_config_for_pack(
        reference_config, {}, pack, where,
        fmt::format("; serve flashes the reference firmware with its defaults: give a {}S pack, or --firmware "
                    "with a firmware built for this one",
                    reference_config.cell_count));
  }
  return pack;
}

int serve(const ServeOptions& options, std::ostream& out, std::ostream& err) {
  try {
    check_options(options);
  } catch (const InputError& error) {
    err << error.what() << '\n';
    return kServeBadInput;
  }
  if (options.uart_link.empty() && options.can_link.empty()) {
    err << "serve: nothing to serve: give --uart PATH and/or --can slcan:PATH\n";
    return kServeBadInput;
  }
  // From here on, a stop signal ends the loop and every link comes down with it.
  const StopSignals signals;

  std::unique_ptr<hil::HilRig> rig;
  try {
    const bms_config reference_config{hil::reference_default_config()};
    hil::RigOptions rig_options{rig_options_of(options)};
    rig_options.pack_config = checked_pack(options, reference_config);
    // Loaded as `packsim run` loads it (isolated for a shared object, unless told).
    scenario::FirmwareSpec spec;
    spec.image.path = options.firmware_path;
    runner::RunOptions how;
    how.firmware.isolate = options.isolate;
    rig = std::make_unique<hil::HilRig>(std::move(rig_options), runner::firmware_for_run(spec.image, spec, how));
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
  if (signals.received() != 0) {
    out << "packsim serve: stopped by " << stop_signal_name(signals.received()) << " before the links were made\n";
    return kServeStopped;
  }

  // Declared after the rig: the bridges go first, then the ports (links removed), then the rig.
  std::unique_ptr<transport::PtyPort> uart_port;
  std::unique_ptr<transport::PtyPort> can_port;
  // A pty the machine cannot give (no fds, no ptys left) is not the input's fault: exit 3.
  const auto port_at = [](const std::string& path, const char* which) {
    try {
      return std::make_unique<transport::PtyPort>(path);
    } catch (const transport::PtyLinkError&) {
      throw;
    } catch (const transport::PtyError& error) {
      throw transport::PtyError{std::string{which} + " link " + path + ": " + error.what()};
    }
  };
  try {
    if (!options.uart_link.empty()) uart_port = port_at(options.uart_link, "the UART");
    if (!options.can_link.empty()) can_port = port_at(options.can_link, "the CAN");
  } catch (const transport::PtyLinkError& error) {
    err << "serve: " << error.what() << '\n';
    return kServeBadInput;
  } catch (const transport::PtyError& error) {
    err << "packsim serve: could not run: " << error.what() << '\n';
    return kServeCouldNotRun;
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
  } catch (const std::bad_alloc&) {
    err << fmt::format("packsim serve: could not run on: out of memory at {:.3f} s simulated\n",
                       sim::to_seconds(rig->now_ns() - start_ns));
    return kServeCouldNotRun;
  } catch (const std::exception& error) {
    // The physics (a PlantError names the cell and the state), a link's I/O, or ours.
    err << fmt::format("packsim serve: could not run on at {:.3f} s simulated: {}\n",
                       sim::to_seconds(rig->now_ns() - start_ns), error.what());
    return kServeCouldNotRun;
  }

  const sim::PacerStats& paced{pacer.stats()};
  out << fmt::format("packsim serve: stopped by {} after {:.3f} s simulated; {} overruns, late by {:.1f} us at most\n",
                     stop_signal_name(signals.received()), sim::to_seconds(rig->now_ns() - start_ns), paced.overruns,
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

}  // namespace

int run_serve_command(const ServeOptions& options, std::ostream& out, std::ostream& err) {
  // Whatever else escapes (the links are down by now: serve's locals are gone) is
  // neither the input's fault nor the firmware's: exit 3, never 1.
  try {
    return serve(options, out, err);
  } catch (const std::bad_alloc&) {
    err << "packsim serve: could not run: out of memory\n";
  } catch (const std::exception& error) {
    err << "packsim serve: could not run: " << error.what() << '\n';
  } catch (...) {
    err << "packsim serve: could not run: an unknown error\n";
  }
  return kServeCouldNotRun;
}

}  // namespace packsim::app
