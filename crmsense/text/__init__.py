"""Text cleaning: HTML to text, normalisation, e-mail reply and signature stripping."""
