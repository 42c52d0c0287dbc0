from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo installation (`plaint demo load`, `make run`) and the stories the benchmarks reuse.

    It sits on top of every other app and is imported by none of them (import-linter's layers contract)."""

    name = "plaint.demo"
    label = "demo"
