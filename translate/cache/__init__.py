"""The cache next to the inputs, and the records of the outputs the tool wrote."""
