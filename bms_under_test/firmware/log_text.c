/*
 * log_text.c: see log_text.h.
 */
#include "bms_under_test/firmware/log_text.h"

void log_text_start(log_text *line) {
  line->length = 0u;
  line->text[0] = '\0';
}

static void append_char(log_text *line, char c) {
  if (line->length + 1u < LOG_TEXT_CAPACITY) {
    line->text[line->length++] = c;
    line->text[line->length] = '\0';
  }
}

void log_text_append(log_text *line, const char *text) {
  for (const char *p = text; *p != '\0'; ++p) {
    append_char(line, *p);
  }
}

void log_text_append_unsigned(log_text *line, uint32_t value) {
  char digits[10];
  size_t count = 0u;
  do {
    digits[count++] = (char)('0' + (char)(value % 10u));
    value /= 10u;
  } while (value != 0u && count < sizeof digits);
  while (count > 0u) {
    append_char(line, digits[--count]);
  }
}

void log_text_append_signed(log_text *line, int32_t value) {
  if (value < 0) {
    append_char(line, '-');
    log_text_append_unsigned(line, (uint32_t)(-(int64_t)value));
  } else {
    log_text_append_unsigned(line, (uint32_t)value);
  }
}
