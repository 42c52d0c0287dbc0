"""The procedure engine: pure Python, no Django. Procedures as data, the calendar, and the state machine of a case."""
