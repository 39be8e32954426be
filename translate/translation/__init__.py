"""Translating files: from planning to written outputs and their records.

Planning, reading, the pipeline, writing, the memory and protection layers, checks and
retries, reports and Ray; the order of a whole run is ``translate.run.flow``.
"""
