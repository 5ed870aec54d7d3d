#include "bms_under_test/afe/data_memory.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

namespace packsim::afe {

namespace {

using T = DmType;

// Defaults, ranges and types from the TRM's data memory summary (SLUUBY2 chapter
// 13). Only the Security keys and the Permanent Fail thresholds are left out:
// sealing and permanent-fail checks are not emulated.
constexpr DataMemoryField kFields[] = {
    // Calibration:Voltage. A gain of 0 means "use the factory trim" (TRM 4.10).
    {0x9180, T::kI2, -32767, 32767, 0, "Calibration:Voltage:Cell 1 Gain"},
    {0x9182, T::kI2, -32767, 32767, 0, "Calibration:Voltage:Cell 2 Gain"},
    {0x9184, T::kI2, -32767, 32767, 0, "Calibration:Voltage:Cell 3 Gain"},
    {0x9186, T::kI2, -32767, 32767, 0, "Calibration:Voltage:Cell 4 Gain"},
    {0x9188, T::kI2, -32767, 32767, 0, "Calibration:Voltage:Cell 5 Gain"},
    {0x918A, T::kI2, -32767, 32767, 0, "Calibration:Voltage:Cell 6 Gain"},
    {0x918C, T::kI2, -32767, 32767, 0, "Calibration:Voltage:Cell 7 Gain"},
    {0x918E, T::kI2, -32767, 32767, 0, "Calibration:Voltage:Cell 8 Gain"},
    {0x9190, T::kI2, -32767, 32767, 0, "Calibration:Voltage:Cell 9 Gain"},
    {0x9192, T::kI2, -32767, 32767, 0, "Calibration:Voltage:Cell 10 Gain"},
    {0x9194, T::kI2, -32767, 32767, 0, "Calibration:Voltage:Cell 11 Gain"},
    {0x9196, T::kI2, -32767, 32767, 0, "Calibration:Voltage:Cell 12 Gain"},
    {0x9198, T::kI2, -32767, 32767, 0, "Calibration:Voltage:Cell 13 Gain"},
    {0x919A, T::kI2, -32767, 32767, 0, "Calibration:Voltage:Cell 14 Gain"},
    {0x919C, T::kI2, -32767, 32767, 0, "Calibration:Voltage:Cell 15 Gain"},
    {0x919E, T::kI2, -32767, 32767, 0, "Calibration:Voltage:Cell 16 Gain"},
    {0x91A0, T::kU2, 0, 65535, 0, "Calibration:Voltage:Pack Gain"},
    {0x91A2, T::kU2, 0, 65535, 0, "Calibration:Voltage:TOS Gain"},
    {0x91A4, T::kU2, 0, 65535, 0, "Calibration:Voltage:LD Gain"},
    {0x91A6, T::kI2, -32767, 32767, 0, "Calibration:Voltage:ADC Gain"},
    // Calibration:Current. CC Gain = 7.4768 / Rsense[mOhm] (datasheet 10.10).
    {0x91A8, T::kF4, 1.0e-2, 1.0e3, 7.4768, "Calibration:Current:CC Gain"},
    {0x91AC, T::kF4, 2.98262e3, 4.193046e8, 2230042.463, "Calibration:Current:Capacity Gain"},
    {0x91B0, T::kI2, -32767, 32767, 0, "Calibration:Vcell Offset:Vcell Offset"},
    {0x91B2, T::kI2, -32767, 32767, 0, "Calibration:V Divider Offset:Vdiv Offset"},
    {0x91C6, T::kU2, 0, 65535, 64, "Calibration:Current Offset:Coulomb Counter Offset Samples"},
    {0x91C8, T::kI2, -32768, 32767, 0, "Calibration:Current Offset:Board Offset"},
    {0x91CA, T::kI1, -128, 127, 0, "Calibration:Temperature:Internal Temp Offset"},
    {0x91CB, T::kI1, -128, 127, 0, "Calibration:Temperature:CFETOFF Temp Offset"},
    {0x91CC, T::kI1, -128, 127, 0, "Calibration:Temperature:DFETOFF Temp Offset"},
    {0x91CD, T::kI1, -128, 127, 0, "Calibration:Temperature:ALERT Temp Offset"},
    {0x91CE, T::kI1, -128, 127, 0, "Calibration:Temperature:TS1 Temp Offset"},
    {0x91CF, T::kI1, -128, 127, 0, "Calibration:Temperature:TS2 Temp Offset"},
    {0x91D0, T::kI1, -128, 127, 0, "Calibration:Temperature:TS3 Temp Offset"},
    {0x91D1, T::kI1, -128, 127, 0, "Calibration:Temperature:HDQ Temp Offset"},
    {0x91D2, T::kI1, -128, 127, 0, "Calibration:Temperature:DCHG Temp Offset"},
    {0x91D3, T::kI1, -128, 127, 0, "Calibration:Temperature:DDSG Temp Offset"},
    {0x91D4, T::kU2, 0x0000, 0xFFFF, 0xFFFF, "Calibration:CUV:CUV Threshold Override"},
    {0x91D6, T::kU2, 0x0000, 0xFFFF, 0xFFFF, "Calibration:COV:COV Threshold Override"},
    {0x91E0, T::kU2, 0x0000, 0x7FFF, 0, "System Data:Integrity:Config RAM Signature"},
    {0x91E2, T::kI2, -32768, 32767, 25390, "Calibration:Internal Temp Model:Int Gain"},
    {0x91E4, T::kI2, -32768, 32767, 3032, "Calibration:Internal Temp Model:Int base offset"},
    {0x91E6, T::kI2, -32768, 32767, 16383, "Calibration:Internal Temp Model:Int Maximum AD"},
    {0x91E8, T::kI2, 0, 32767, 6379, "Calibration:Internal Temp Model:Int Maximum Temp"},
    {0x91EA, T::kI2, -32768, 32767, -15524, "Calibration:18K Temperature Model:Coeff a1"},
    {0x91EC, T::kI2, -32768, 32767, 26423, "Calibration:18K Temperature Model:Coeff a2"},
    {0x91EE, T::kI2, -32768, 32767, -22664, "Calibration:18K Temperature Model:Coeff a3"},
    {0x91F0, T::kI2, -32768, 32767, 28834, "Calibration:18K Temperature Model:Coeff a4"},
    {0x91F2, T::kI2, -32768, 32767, 672, "Calibration:18K Temperature Model:Coeff a5"},
    {0x91F4, T::kI2, -32768, 32767, -371, "Calibration:18K Temperature Model:Coeff b1"},
    {0x91F6, T::kI2, -32768, 32767, 708, "Calibration:18K Temperature Model:Coeff b2"},
    {0x91F8, T::kI2, -32768, 32767, -3498, "Calibration:18K Temperature Model:Coeff b3"},
    {0x91FA, T::kI2, -32768, 32767, 5051, "Calibration:18K Temperature Model:Coeff b4"},
    {0x91FE, T::kI2, -32768, 32767, 11703, "Calibration:18K Temperature Model:Adc0"},
    {0x9200, T::kI2, -32768, 32767, -17513, "Calibration:180K Temperature Model:Coeff a1"},
    {0x9202, T::kI2, -32768, 32767, 25759, "Calibration:180K Temperature Model:Coeff a2"},
    {0x9204, T::kI2, -32768, 32767, -23593, "Calibration:180K Temperature Model:Coeff a3"},
    {0x9206, T::kI2, -32768, 32767, 32175, "Calibration:180K Temperature Model:Coeff a4"},
    {0x9208, T::kI2, -32768, 32767, 2090, "Calibration:180K Temperature Model:Coeff a5"},
    {0x920A, T::kI2, -32768, 32767, -2055, "Calibration:180K Temperature Model:Coeff b1"},
    {0x920C, T::kI2, -32768, 32767, 2955, "Calibration:180K Temperature Model:Coeff b2"},
    {0x920E, T::kI2, -32768, 32767, -3427, "Calibration:180K Temperature Model:Coeff b3"},
    {0x9210, T::kI2, -32768, 32767, 4385, "Calibration:180K Temperature Model:Coeff b4"},
    {0x9214, T::kI2, -32768, 32767, 17246, "Calibration:180K Temperature Model:Adc0"},
    {0x9216, T::kI2, -32768, 32767, 0, "Calibration:Custom Temperature Model:Coeff a1"},
    {0x9218, T::kI2, -32768, 32767, 0, "Calibration:Custom Temperature Model:Coeff a2"},
    {0x921A, T::kI2, -32768, 32767, 0, "Calibration:Custom Temperature Model:Coeff a3"},
    {0x921C, T::kI2, -32768, 32767, 0, "Calibration:Custom Temperature Model:Coeff a4"},
    {0x921E, T::kI2, -32768, 32767, 0, "Calibration:Custom Temperature Model:Coeff a5"},
    {0x9220, T::kI2, -32768, 32767, 0, "Calibration:Custom Temperature Model:Coeff b1"},
    {0x9222, T::kI2, -32768, 32767, 0, "Calibration:Custom Temperature Model:Coeff b2"},
    {0x9224, T::kI2, -32768, 32767, 0, "Calibration:Custom Temperature Model:Coeff b3"},
    {0x9226, T::kI2, -32768, 32767, 0, "Calibration:Custom Temperature Model:Coeff b4"},
    {0x9228, T::kI2, -32768, 32767, 0, "Calibration:Custom Temperature Model:Rc0"},
    {0x922A, T::kI2, -32768, 32767, 0, "Calibration:Custom Temperature Model:Adc0"},
    {0x922D, T::kU1, 0, 255, 9, "Calibration:Current Deadband:Coulomb Counter Deadband"},
    // Settings.
    {0x9231, T::kI2, 0, 32767, 500, "Settings:Fuse:Min Blow Fuse Voltage"},
    {0x9233, T::kU1, 0, 255, 30, "Settings:Fuse:Fuse Blow Timeout"},
    {0x9234, T::kH2, 0x0000, 0xFFFF, 0x2982, "Settings:Configuration:Power Config"},
    {0x9236, T::kH1, 0x00, 0xFF, 0x00, "Settings:Configuration:REG12 Config"},
    {0x9237, T::kH1, 0x00, 0x03, 0x00, "Settings:Configuration:REG0 Config"},
    {0x9238, T::kH1, 0x00, 0xFF, 0x00, "Settings:Configuration:HWD Regulator Options"},
    {0x9239, T::kU1, 0x00, 0x1F, 0x00, "Settings:Configuration:Comm Type"},
    {0x923A, T::kU1, 0x00, 0xFF, 0x00, "Settings:Configuration:I2C Address"},
    {0x923C, T::kH1, 0x00, 0x7F, 0x20, "Settings:Configuration:SPI Configuration"},
    {0x923D, T::kU1, 0, 255, 0, "Settings:Configuration:Comm Idle Time"},
    {0x923F, T::kI2, 0, 32767, 0, "Power:Shutdown:Shutdown Cell Voltage"},
    {0x9241, T::kI2, 0, 32767, 600, "Power:Shutdown:Shutdown Stack Voltage"},
    {0x9243, T::kU1, 0, 63, 1, "Power:Shutdown:Low V Shutdown Delay"},
    {0x9244, T::kU1, 0, 150, 85, "Power:Shutdown:Shutdown Temperature"},
    {0x9245, T::kU1, 0, 254, 5, "Power:Shutdown:Shutdown Temperature Delay"},
    {0x9248, T::kI2, 0, 32767, 20, "Power:Sleep:Sleep Current"},
    {0x924A, T::kU1, 1, 255, 5, "Power:Sleep:Voltage Time"},
    {0x924B, T::kI2, 500, 32767, 500, "Power:Sleep:Wake Comparator Current"},
    {0x924D, T::kU1, 0, 255, 10, "Power:Sleep:Sleep Hysteresis Time"},
    {0x924E, T::kI2, 0, 32767, 2000, "Power:Sleep:Sleep Charger Voltage Threshold"},
    {0x9250, T::kI2, 10, 8500, 200, "Power:Sleep:Sleep Charger PACK-TOS Delta"},
    {0x9252, T::kU1, 0, 127, 0, "Power:Shutdown:FET Off Delay"},
    {0x9253, T::kU1, 0, 254, 0, "Power:Shutdown:Shutdown Command Delay"},
    {0x9254, T::kU1, 0, 250, 0, "Power:Shutdown:Auto Shutdown Time"},
    {0x9255, T::kU1, 0, 255, 5, "Power:Shutdown:RAM Fail Shutdown Time"},
    {0x925F, T::kH2, 0x0000, 0x07FF, 0x0002, "Settings:Protection:Protection Configuration"},
    {0x9261, T::kH1, 0x00, 0xFF, 0x88, "Settings:Protection:Enabled Protections A"},
    {0x9262, T::kH1, 0x00, 0xFF, 0x00, "Settings:Protection:Enabled Protections B"},
    {0x9263, T::kH1, 0x00, 0xFF, 0x00, "Settings:Protection:Enabled Protections C"},
    {0x9265, T::kH1, 0x00, 0xFF, 0x98, "Settings:Protection:CHG FET Protections A"},
    {0x9266, T::kH1, 0x00, 0xFF, 0xD5, "Settings:Protection:CHG FET Protections B"},
    {0x9267, T::kH1, 0x00, 0xFF, 0x56, "Settings:Protection:CHG FET Protections C"},
    {0x9269, T::kH1, 0x00, 0xFF, 0xE4, "Settings:Protection:DSG FET Protections A"},
    {0x926A, T::kH1, 0x00, 0xFF, 0xE6, "Settings:Protection:DSG FET Protections B"},
    {0x926B, T::kH1, 0x00, 0xFF, 0xE2, "Settings:Protection:DSG FET Protections C"},
    {0x926D, T::kH2, 0x0000, 0xFFFF, 0xF800, "Settings:Alarm:Default Alarm Mask"},
    {0x926F, T::kH1, 0x00, 0xFF, 0xFC, "Settings:Alarm:SF Alert Mask A"},
    {0x9270, T::kH1, 0x00, 0xFF, 0xF7, "Settings:Alarm:SF Alert Mask B"},
    {0x9271, T::kH1, 0x00, 0xFF, 0xF4, "Settings:Alarm:SF Alert Mask C"},
    {0x9273, T::kI2, 0, 32767, 50, "Settings:Protection:Body Diode Threshold"},
    // Protections.
    {0x9275, T::kU1, 20, 90, 50, "Protections:CUV:Threshold"},
    {0x9276, T::kU2, 1, 2047, 74, "Protections:CUV:Delay"},
    {0x9278, T::kU1, 20, 110, 86, "Protections:COV:Threshold"},
    {0x9279, T::kU2, 1, 2047, 74, "Protections:COV:Delay"},
    {0x927B, T::kU1, 2, 20, 2, "Protections:CUV:Recovery Hysteresis"},
    {0x927C, T::kU1, 2, 20, 2, "Protections:COV:Recovery Hysteresis"},
    {0x927D, T::kU1, 0, 255, 0, "Protections:COVL:Latch Limit"},
    {0x927E, T::kU1, 0, 255, 10, "Protections:COVL:Counter Dec Delay"},
    {0x927F, T::kU1, 0, 255, 15, "Protections:COVL:Recovery Time"},
    {0x9280, T::kU1, 2, 62, 2, "Protections:OCC:Threshold"},
    {0x9281, T::kU1, 1, 127, 4, "Protections:OCC:Delay"},
    {0x9282, T::kU1, 2, 100, 4, "Protections:OCD1:Threshold"},
    {0x9283, T::kU1, 1, 127, 1, "Protections:OCD1:Delay"},
    {0x9284, T::kU1, 2, 100, 3, "Protections:OCD2:Threshold"},
    {0x9285, T::kU1, 1, 127, 7, "Protections:OCD2:Delay"},
    {0x9286, T::kU1, 0, 15, 0, "Protections:SCD:Threshold"},
    {0x9287, T::kU1, 1, 31, 2, "Protections:SCD:Delay"},
    {0x9288, T::kI2, -32768, 32767, -200, "Protections:OCC:Recovery Threshold"},
    {0x928A, T::kI2, -32768, 0, -4000, "Protections:OCD3:Threshold"},
    {0x928C, T::kU1, 0, 255, 2, "Protections:OCD3:Delay"},
    {0x928D, T::kI2, -32768, 32767, 200, "Protections:OCD:Recovery Threshold"},
    {0x928F, T::kU1, 0, 255, 0, "Protections:OCDL:Latch Limit"},
    {0x9290, T::kU1, 0, 255, 10, "Protections:OCDL:Counter Dec Delay"},
    {0x9291, T::kU1, 0, 255, 15, "Protections:OCDL:Recovery Time"},
    {0x9292, T::kI2, -32768, 32767, 200, "Protections:OCDL:Recovery Threshold"},
    {0x9294, T::kU1, 0, 255, 5, "Protections:SCD:Recovery Time"},
    {0x9295, T::kU1, 0, 255, 0, "Protections:SCDL:Latch Limit"},
    {0x9296, T::kU1, 0, 255, 10, "Protections:SCDL:Counter Dec Delay"},
    {0x9297, T::kU1, 0, 255, 15, "Protections:SCDL:Recovery Time"},
    {0x9298, T::kI2, -32768, 32767, 200, "Protections:SCDL:Recovery Threshold"},
    {0x929A, T::kI1, -40, 120, 55, "Protections:OTC:Threshold"},
    {0x929B, T::kU1, 0, 255, 2, "Protections:OTC:Delay"},
    {0x929C, T::kI1, -40, 120, 50, "Protections:OTC:Recovery"},
    {0x929D, T::kI1, -40, 120, 60, "Protections:OTD:Threshold"},
    {0x929E, T::kU1, 0, 255, 2, "Protections:OTD:Delay"},
    {0x929F, T::kI1, -40, 120, 55, "Protections:OTD:Recovery"},
    {0x92A0, T::kU1, 0, 150, 80, "Protections:OTF:Threshold"},
    {0x92A1, T::kU1, 0, 255, 2, "Protections:OTF:Delay"},
    {0x92A2, T::kU1, 0, 150, 65, "Protections:OTF:Recovery"},
    {0x92A3, T::kI1, -40, 120, 85, "Protections:OTINT:Threshold"},
    {0x92A4, T::kU1, 0, 255, 2, "Protections:OTINT:Delay"},
    {0x92A5, T::kI1, -40, 120, 80, "Protections:OTINT:Recovery"},
    {0x92A6, T::kI1, -40, 120, 0, "Protections:UTC:Threshold"},
    {0x92A7, T::kU1, 0, 255, 2, "Protections:UTC:Delay"},
    {0x92A8, T::kI1, -40, 120, 5, "Protections:UTC:Recovery"},
    {0x92A9, T::kI1, -40, 120, 0, "Protections:UTD:Threshold"},
    {0x92AA, T::kU1, 0, 255, 2, "Protections:UTD:Delay"},
    {0x92AB, T::kI1, -40, 120, 5, "Protections:UTD:Recovery"},
    {0x92AC, T::kI1, -40, 120, -20, "Protections:UTINT:Threshold"},
    {0x92AD, T::kU1, 0, 255, 2, "Protections:UTINT:Delay"},
    {0x92AE, T::kI1, -40, 120, -15, "Protections:UTINT:Recovery"},
    {0x92AF, T::kU1, 0, 255, 3, "Protections:Recovery:Time"},
    {0x92B0, T::kI2, 10, 8500, 200, "Protections:OCC:PACK-TOS Delta"},
    {0x92B2, T::kU2, 0, 65535, 60, "Protections:HWD:Delay"},
    {0x92B4, T::kU1, 0, 255, 0, "Protections:Load Detect:Active Time"},
    {0x92B5, T::kU1, 0, 255, 50, "Protections:Load Detect:Retry Delay"},
    {0x92B6, T::kU2, 0, 65535, 1, "Protections:Load Detect:Timeout"},
    {0x92BA, T::kI2, -32768, 32767, 250, "Protections:PTO:Charge Threshold"},
    {0x92BC, T::kU2, 0, 65535, 1800, "Protections:PTO:Delay"},
    {0x92BE, T::kI2, 0, 10000, 2, "Protections:PTO:Reset"},
    {0x92C0, T::kH1, 0x00, 0xFF, 0x00, "Settings:Permanent Failure:Enabled PF A"},
    {0x92C1, T::kH1, 0x00, 0xFF, 0x00, "Settings:Permanent Failure:Enabled PF B"},
    {0x92C2, T::kH1, 0x00, 0xFF, 0x07, "Settings:Permanent Failure:Enabled PF C"},
    {0x92C3, T::kH1, 0x00, 0xFF, 0x00, "Settings:Permanent Failure:Enabled PF D"},
    {0x92C4, T::kH1, 0x00, 0xFF, 0x5F, "Settings:Alarm:PF Alert Mask A"},
    {0x92C5, T::kH1, 0x00, 0xFF, 0x9F, "Settings:Alarm:PF Alert Mask B"},
    {0x92C6, T::kH1, 0x00, 0xFF, 0x00, "Settings:Alarm:PF Alert Mask C"},
    {0x92C7, T::kH1, 0x00, 0xFF, 0x00, "Settings:Alarm:PF Alert Mask D"},
    // Multifunction pins: TS1 defaults to an 18 kOhm-biased cell thermistor (0x07).
    {0x92FA, T::kH1, 0x00, 0xFF, 0x00, "Settings:Configuration:CFETOFF Pin Config"},
    {0x92FB, T::kH1, 0x00, 0xFF, 0x00, "Settings:Configuration:DFETOFF Pin Config"},
    {0x92FC, T::kH1, 0x00, 0xFF, 0x00, "Settings:Configuration:ALERT Pin Config"},
    {0x92FD, T::kH1, 0x00, 0xFF, 0x07, "Settings:Configuration:TS1 Config"},
    {0x92FE, T::kH1, 0x00, 0xFF, 0x00, "Settings:Configuration:TS2 Config"},
    {0x92FF, T::kH1, 0x00, 0xFF, 0x00, "Settings:Configuration:TS3 Config"},
    {0x9300, T::kH1, 0x00, 0xFF, 0x00, "Settings:Configuration:HDQ Pin Config"},
    {0x9301, T::kH1, 0x00, 0xFF, 0x00, "Settings:Configuration:DCHG Pin Config"},
    {0x9302, T::kH1, 0x00, 0xFF, 0x00, "Settings:Configuration:DDSG Pin Config"},
    {0x9303, T::kH1, 0x00, 0xFF, 0x05, "Settings:Configuration:DA Configuration"},
    {0x9304, T::kH2, 0x0000, 0xFFFF, 0x0000, "Settings:Configuration:Vcell Mode"},
    {0x9307, T::kU1, 2, 255, 80, "Settings:Configuration:CC3 Samples"},
    {0x9308, T::kH1, 0x00, 0xFF, 0x0D, "Settings:FET:FET Options"},
    {0x9309, T::kH1, 0x00, 0xFF, 0x01, "Settings:FET:Chg Pump Control"},
    {0x930A, T::kI2, 0, 32767, 0, "Settings:FET:Precharge Start Voltage"},
    {0x930C, T::kI2, 0, 32767, 0, "Settings:FET:Precharge Stop Voltage"},
    {0x930E, T::kU1, 0, 255, 5, "Settings:FET:Predischarge Timeout"},
    {0x930F, T::kU1, 0, 255, 50, "Settings:FET:Predischarge Stop Delta"},
    {0x9310, T::kI2, 0, 32767, 100, "Settings:Current Thresholds:Dsg Current Threshold"},
    {0x9312, T::kI2, 0, 32767, 50, "Settings:Current Thresholds:Chg Current Threshold"},
    {0x9314, T::kU1, 0, 255, 5, "Settings:Cell Open-Wire:Check Time"},
    {0x9315, T::kI2, 0, 32767, 0, "Settings:Interconnect Resistances:Cell 1 Interconnect"},
    {0x9317, T::kI2, 0, 32767, 0, "Settings:Interconnect Resistances:Cell 2 Interconnect"},
    {0x9319, T::kI2, 0, 32767, 0, "Settings:Interconnect Resistances:Cell 3 Interconnect"},
    {0x931B, T::kI2, 0, 32767, 0, "Settings:Interconnect Resistances:Cell 4 Interconnect"},
    {0x931D, T::kI2, 0, 32767, 0, "Settings:Interconnect Resistances:Cell 5 Interconnect"},
    {0x931F, T::kI2, 0, 32767, 0, "Settings:Interconnect Resistances:Cell 6 Interconnect"},
    {0x9321, T::kI2, 0, 32767, 0, "Settings:Interconnect Resistances:Cell 7 Interconnect"},
    {0x9323, T::kI2, 0, 32767, 0, "Settings:Interconnect Resistances:Cell 8 Interconnect"},
    {0x9325, T::kI2, 0, 32767, 0, "Settings:Interconnect Resistances:Cell 9 Interconnect"},
    {0x9327, T::kI2, 0, 32767, 0, "Settings:Interconnect Resistances:Cell 10 Interconnect"},
    {0x9329, T::kI2, 0, 32767, 0, "Settings:Interconnect Resistances:Cell 11 Interconnect"},
    {0x932B, T::kI2, 0, 32767, 0, "Settings:Interconnect Resistances:Cell 12 Interconnect"},
    {0x932D, T::kI2, 0, 32767, 0, "Settings:Interconnect Resistances:Cell 13 Interconnect"},
    {0x932F, T::kI2, 0, 32767, 0, "Settings:Interconnect Resistances:Cell 14 Interconnect"},
    {0x9331, T::kI2, 0, 32767, 0, "Settings:Interconnect Resistances:Cell 15 Interconnect"},
    {0x9333, T::kI2, 0, 32767, 0, "Settings:Interconnect Resistances:Cell 16 Interconnect"},
    {0x9335, T::kH1, 0x00, 0xFF, 0x00, "Settings:Cell Balancing Config:Balancing Configuration"},
    {0x9336, T::kI1, -128, 127, -20, "Settings:Cell Balancing Config:Min Cell Temp"},
    {0x9337, T::kI1, -128, 127, 60, "Settings:Cell Balancing Config:Max Cell Temp"},
    {0x9338, T::kI1, -128, 127, 70, "Settings:Cell Balancing Config:Max Internal Temp"},
    {0x9339, T::kU1, 1, 255, 20, "Settings:Cell Balancing Config:Cell Balance Interval"},
    {0x933A, T::kU1, 0, 16, 1, "Settings:Cell Balancing Config:Cell Balance Max Cells"},
    {0x933B, T::kI2, 0, 5000, 3900, "Settings:Cell Balancing Config:Cell Balance Min Cell V (Charge)"},
    {0x933D, T::kU1, 0, 255, 40, "Settings:Cell Balancing Config:Cell Balance Min Delta (Charge)"},
    {0x933E, T::kU1, 0, 255, 20, "Settings:Cell Balancing Config:Cell Balance Stop Delta (Charge)"},
    {0x933F, T::kI2, 0, 5000, 3900, "Settings:Cell Balancing Config:Cell Balance Min Cell V (Relax)"},
    {0x9341, T::kU1, 0, 255, 40, "Settings:Cell Balancing Config:Cell Balance Min Delta (Relax)"},
    {0x9342, T::kU1, 0, 255, 20, "Settings:Cell Balancing Config:Cell Balance Stop Delta (Relax)"},
    {0x9343, T::kH2, 0x0000, 0xFFFF, 0x0040, "Settings:Manufacturing:Mfg Status Init"},
};

constexpr bool fields_sorted_and_disjoint() {
  for (std::size_t i = 1; i < std::size(kFields); ++i) {
    if (kFields[i].address < kFields[i - 1].address + dm_type_size(kFields[i - 1].type)) {
      return false;
    }
  }
  return true;
}
static_assert(fields_sorted_and_disjoint(), "data memory fields must be sorted and must not overlap");
static_assert(kFields[std::size(kFields) - 1].address + 2 <= DataMemory::kEnd, "the RAM image must hold every field");

}  // namespace

std::span<const DataMemoryField> data_memory_fields() { return kFields; }

const DataMemoryField* find_data_memory_field(std::uint16_t address) {
  const auto* it = std::lower_bound(std::begin(kFields), std::end(kFields), address,
                                    [](const DataMemoryField& f, std::uint16_t a) { return f.address < a; });
  return (it != std::end(kFields) && it->address == address) ? it : nullptr;
}

float DataMemory::f4(std::uint16_t address) const {
  std::uint32_t raw{0};
  for (int b = 3; b >= 0; --b) {
    raw = (raw << 8U) | byte(static_cast<std::uint16_t>(address + b));
  }
  return std::bit_cast<float>(raw);
}

double DataMemory::decode(const DataMemoryField& field, const std::uint8_t* bytes) {
  const auto u16 = [bytes] { return static_cast<std::uint16_t>(bytes[0] | (bytes[1] << 8U)); };
  switch (field.type) {
    case DmType::kU1:
    case DmType::kH1:
      return bytes[0];
    case DmType::kI1:
      return static_cast<std::int8_t>(bytes[0]);
    case DmType::kU2:
    case DmType::kH2:
      return u16();
    case DmType::kI2:
      return static_cast<std::int16_t>(u16());
    case DmType::kF4: {
      const std::uint32_t raw{static_cast<std::uint32_t>(bytes[0]) | (static_cast<std::uint32_t>(bytes[1]) << 8U) |
                              (static_cast<std::uint32_t>(bytes[2]) << 16U) |
                              (static_cast<std::uint32_t>(bytes[3]) << 24U)};
      return std::bit_cast<float>(raw);
    }
  }
  return 0.0;
}

double DataMemory::value(const DataMemoryField& field) const { return decode(field, &bytes_[field.address - kBase]); }

void DataMemory::put(const DataMemoryField& field, double value, std::uint8_t* bytes) const {
  std::uint32_t raw{0};
  if (field.type == DmType::kF4) {
    raw = std::bit_cast<std::uint32_t>(static_cast<float>(value));
  } else {
    raw = static_cast<std::uint32_t>(static_cast<std::int32_t>(std::lround(value)));
  }
  for (std::size_t b = 0; b < dm_type_size(field.type); ++b) {
    bytes[b] = static_cast<std::uint8_t>(raw >> (8U * b));
  }
}

void DataMemory::reset_to_defaults() {
  bytes_.fill(0);
  for (const DataMemoryField& field : kFields) {
    put(field, field.default_value, &bytes_[field.address - kBase]);
  }
}

void DataMemory::set(std::uint16_t address, double value) {
  const DataMemoryField* field{find_data_memory_field(address)};
  if (field == nullptr) {
    throw std::out_of_range{"bq76952 data memory: no setting at address " + std::to_string(address)};
  }
  if (!(value >= field->min && value <= field->max)) {
    throw std::out_of_range{"bq76952 data memory: " + std::string{field->name} + " = " + std::to_string(value) +
                            " is outside " + std::to_string(field->min) + ".." + std::to_string(field->max)};
  }
  put(*field, value, &bytes_[address - kBase]);
}

bool DataMemory::write_block(std::uint16_t address, const std::uint8_t* data, std::size_t n) {
  if (!contains(address) || n == 0) {
    return false;
  }
  const std::size_t end{std::min<std::size_t>(address + n, kEnd)};
  // Validate on a scratch copy so a refused block leaves the memory unchanged.
  // The TRM does not say what the chip does with an out-of-range value; refusing
  // the block is the conservative choice (the value keeps its old setting).
  std::array<std::uint8_t, kEnd - kBase> scratch{bytes_};
  std::copy(data, data + (end - address), scratch.begin() + (address - kBase));
  for (const DataMemoryField& field : kFields) {
    const std::size_t first{field.address};
    const std::size_t last{first + dm_type_size(field.type)};
    if (first >= address && last <= end) {
      const double v{decode(field, &scratch[first - kBase])};
      if (!(v >= field.min && v <= field.max)) {
        return false;
      }
    }
  }
  bytes_ = scratch;
  return true;
}

void DataMemory::read_block(std::uint16_t address, std::uint8_t* out, std::size_t n) const {
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = byte(static_cast<std::uint16_t>(address + i));
  }
}

}  // namespace packsim::afe
