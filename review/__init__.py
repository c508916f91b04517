"""Orchestration: pipeline, worker isolation, SQLite store, batch runner, exports, CLI."""
