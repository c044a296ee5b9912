"""The municipality's time zone: dates and times shown to people, and a dialogue's last day."""

from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
