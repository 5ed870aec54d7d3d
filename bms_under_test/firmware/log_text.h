/*
 * log_text.h: builds a short line of text for the HAL's log without stdio
 * (no printf on the MCU): text and integers appended into a fixed buffer,
 * cut at its end.
 */
#ifndef LOG_TEXT_H
#define LOG_TEXT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LOG_TEXT_CAPACITY 96u

typedef struct log_text {
  char text[LOG_TEXT_CAPACITY];
  size_t length;
} log_text;

void log_text_start(log_text *line);
void log_text_append(log_text *line, const char *text);
void log_text_append_unsigned(log_text *line, uint32_t value);
void log_text_append_signed(log_text *line, int32_t value);

#ifdef __cplusplus
}
#endif

#endif /* LOG_TEXT_H */
