"""Review pages: source and translation side by side."""
