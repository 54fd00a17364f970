// Population count of a 48-bit word as a compressor tree: eight 6:3
// counters (a table of six inputs: one LUT6 per output bit), then three
// levels of small adders (3+3 -> 4 bits, 4+4 -> 5, 5+5 -> 6), instead of a
// 48-long ripple of increments.
module nb_popcount (
  input  logic [47:0] x_i,
  output logic [5:0]  count_o
);
  // The 6:3 counter: each of its three output bits is a function of the
  // six inputs, so one LUT6, and the constants below are those LUTs' truth
  // tables (bit v of Pop6Bk is bit k of the number of ones in v). A select of
  // a 64-bit constant by six bits maps to exactly that LUT6 (no chain of
  // carries), and Verilator evaluates it as a shift: a 64-way case here
  // compiled to a six-deep tree of branches per counter, a third of the
  // co-simulation's time.
  localparam logic [63:0] Pop6B0 = 64'h6996_9669_9669_6996;
  localparam logic [63:0] Pop6B1 = 64'h8117_177e_177e_7ee8;
  localparam logic [63:0] Pop6B2 = 64'hfee8_e880_e880_8000;
  function automatic logic [2:0] pop6(logic [5:0] v);
    pop6 = {Pop6B2[v], Pop6B1[v], Pop6B0[v]};
  endfunction
  logic [2:0] c6 [8];
  logic [3:0] c12 [4];
  logic [4:0] c24 [2];
  always_comb begin
    for (int g = 0; g < 8; g++) c6[g] = pop6(x_i[g*6 +: 6]);
    for (int g = 0; g < 4; g++) c12[g] = 4'(c6[2*g]) + 4'(c6[2*g + 1]);
    for (int g = 0; g < 2; g++) c24[g] = 5'(c12[2*g]) + 5'(c12[2*g + 1]);
    count_o = 6'(c24[0]) + 6'(c24[1]);
  end
endmodule
