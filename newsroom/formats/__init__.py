"""Date formats per interface language (``FORMAT_MODULE_PATH``), where Django's differ
from a newspaper's: day, month name, year; the time on the 24-hour clock."""
