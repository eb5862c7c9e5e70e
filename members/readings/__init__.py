"""Readings reported by members (issue 14, the members' side): the reporting window, the cabinet's
form «Передать показания», the meter photos kept outside MEDIA_ROOT, the treasurer's queue and the
SMS at the window's start. An accepted submission becomes a `billing.Reading` with source=MEMBER."""
