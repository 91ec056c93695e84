"""The `dtn-monitor` command (see main.py for the verbs and the exit codes)."""

from monitor.cli.main import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, EXIT_PIPE, EXIT_SERVE, entry, main

__all__ = ["EXIT_CONFIG", "EXIT_FAILED", "EXIT_OK", "EXIT_PIPE", "EXIT_SERVE", "entry", "main"]
