"""Models and engines: the registry, finding model files, routes, translators."""
