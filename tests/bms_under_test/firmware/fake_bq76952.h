// A small fake TI bq76952 for the firmware's unit tests: the I2C protocol the
// firmware uses (direct-command reads, the subcommand transfer buffer with
// checksum and length, data memory written only in CONFIG_UPDATE mode, FET
// host control, CB_ACTIVE_CELLS, SHUTDOWN/SLEEP commands), with every
// measurement and status settable and faults injectable. It records what the
// firmware did, so a test can assert on the traffic as well as the outcome.
// Not an emulation: the real one lives in bms_under_test/afe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <vector>

namespace packsim::firmware_test {

class FakeBq76952 {
 public:
  static constexpr std::uint8_t kAddress{0x08};

  // One completed transfer to 0x40.. / 0x60 / 0x61 as the firmware sent it.
  struct TransferWrite {
    std::uint16_t address{0};
    std::vector<std::uint8_t> data;
    std::uint8_t checksum{0};
    std::uint8_t length{0};
    bool checksum_ok{false};
    bool length_ok{false};
    bool in_config_update{false};
  };

  FakeBq76952();

  // ---- The physics the firmware reads (raw register values) ----
  std::array<std::int16_t, 16> cell_mv{};   // per VC input
  std::int16_t stack_raw{0};                // userV (10 mV by default)
  std::int16_t pack_pin_raw{0};
  std::int16_t ld_pin_raw{0};
  std::int16_t cc2_raw{0};                  // userA (mA by default), + = charging
  std::array<std::int16_t, 3> ts_decikelvin{{2981, 2981, 2981}};
  std::int16_t internal_decikelvin{2981};
  std::uint8_t safety_status_a{0};
  std::uint8_t safety_status_b{0};
  std::uint8_t safety_status_c{0};
  bool por{true};                 // Battery Status[POR], cleared by EXIT_CFGUPDATE
  bool hardware_blocks_charge{false};    // the chip's own protection holds CHG off
  bool hardware_blocks_discharge{false};

  // All cells at mv, the stack their sum (in 10 mV), 25 C, no current.
  void set_uniform_cells(std::int16_t mv, int cell_count = 16);
  void set_cell(int input_index, std::int16_t mv);  // also updates the stack
  void set_current_ma(std::int32_t ma) { cc2_raw = static_cast<std::int16_t>(ma); }
  void set_temperature_c(double celsius);            // every TS pin
  void update_stack_from_cells();  // the stack (10 mV) is the sum of every input

  // ---- Chip state the firmware changes ----
  bool config_update() const { return config_update_; }
  std::uint16_t manufacturing_status() const { return manufacturing_status_; }
  void set_manufacturing_status(std::uint16_t status) { manufacturing_status_ = status; }
  bool fet_enabled() const { return (manufacturing_status_ & 0x10U) != 0; }
  std::uint8_t host_fet_off() const { return host_fet_off_; }
  bool charge_fet_on() const;
  bool discharge_fet_on() const;
  std::uint8_t fet_status() const;
  std::uint16_t cb_active_cells() const { return cb_active_cells_; }
  bool sleep_enabled() const { return sleep_enabled_; }
  bool shut_down() const { return shut_down_; }
  std::uint16_t alarm_enable() const { return alarm_enable_; }
  // A charger on LD/TS2 wakes the chip from SHUTDOWN: defaults again, POR set.
  void wake_from_shutdown();
  // Data memory: the bytes at address (1 or 2, little-endian).
  std::uint32_t dm_value(std::uint16_t address, std::size_t size) const;
  bool dm_written(std::uint16_t address) const { return data_memory_.count(address) != 0; }

  // ---- Faults ----
  bool absent{false};                    // NACK everything (chip missing, bus broken)
  int nack_next_transactions{0};         // NACK this many transactions, then answer again
  int bus_error_next_transactions{0};
  int busy_polls_per_subcommand{0};      // 0x3E reads 0xFF 0xFF this many times before the echo
  std::set<std::uint16_t> corrupt_dm_addresses;  // a write there stores value ^ 0x01 (verify fails)
  bool corrupt_read_checksum{false};
  int scan_after_status_reads{1};  // Alarm Status[FULLSCAN] appears on this read after being cleared
  bool scans_stalled{false};       // no full scan ever completes

  // ---- What the firmware did ----
  std::vector<TransferWrite> transfer_writes;
  std::vector<std::uint16_t> command_only_subcommands;  // in order
  std::vector<std::uint8_t> fet_control_writes;
  int shutdown_commands{0};
  int config_update_entries{0};
  std::size_t transactions{0};

  // ---- The bus (the host routes the HAL's I2C calls here) ----
  // Returns BMS_HAL_OK, BMS_HAL_NACK or BMS_HAL_BUS_ERROR.
  int write(const std::uint8_t* data, std::size_t length);
  int write_read(const std::uint8_t* write_data, std::size_t write_length, std::uint8_t* read_data,
                 std::size_t read_length);

 private:
  int transaction_fault();
  void select_subcommand(std::uint16_t code);
  void complete_transfer();
  void execute_command_only(std::uint16_t code);
  void apply_write(std::uint16_t code, const std::vector<std::uint8_t>& data);
  void prepare_read(std::uint16_t code);
  std::uint16_t direct_register(std::uint8_t command) const;
  void reset_to_defaults();

  bool config_update_{false};
  std::uint16_t manufacturing_status_{0};
  std::uint8_t host_fet_off_{0};
  std::uint16_t cb_active_cells_{0};
  bool sleep_enabled_{true};
  bool shut_down_{false};
  std::uint16_t alarm_enable_{0xF800};  // the Default Alarm Mask
  std::uint16_t alarm_status_{0};
  int status_reads_until_scan_{0};
  std::map<std::uint16_t, std::uint8_t> data_memory_;  // bytes written, by address

  std::uint16_t subcommand_{0};
  std::array<std::uint8_t, 32> buffer_{};
  std::uint8_t written_checksum_{0};
  std::uint8_t response_length_{0};  // 0x61 as the chip reports it for a read
  int busy_polls_left_{0};
};

}  // namespace packsim::firmware_test
