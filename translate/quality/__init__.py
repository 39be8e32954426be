"""Quality signals: checks on outputs, retries, evaluation against references."""
