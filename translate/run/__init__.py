"""Running jobs: the pipeline, summaries, planning, reports, Ray."""
