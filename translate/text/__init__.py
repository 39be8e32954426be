"""Text and files: reading, encodings, segmentation, languages, extractive summaries."""
