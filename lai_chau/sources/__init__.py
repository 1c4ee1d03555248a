"""The seed texts and how numbers are read from Vietnamese text: numerals, the extractor."""
