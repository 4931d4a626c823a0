COPY public.t (a, b) FROM stdin;
1	x
2	y
3	cut