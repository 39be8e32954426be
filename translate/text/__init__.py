"""Pure text: decoded documents, encodings, segmentation, sentences, languages, entities, terms."""
