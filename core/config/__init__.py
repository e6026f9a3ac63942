"""deskline.toml: where it is, what each section may say, the defaults."""
