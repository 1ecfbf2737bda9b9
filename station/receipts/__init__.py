"""The recording receipt ("Tanda Bukti Perekaman KTP-el"): its content, its ESC/POS bytes,
and (with the foundation) its durable print queue."""
