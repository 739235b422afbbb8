"""The vendor portal: contacts reach their own vendor's open assessment through a magic link."""
