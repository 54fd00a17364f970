// Population count of a 48-bit word as a compressor tree: eight 6:3
// counters (each output bit one LUT6 of the same six inputs), then three
// levels of small adders (3+3 -> 4 bits, 4+4 -> 5, 5+5 -> 6), instead of a
// 48-long ripple of increments.
module nb_popcount (
  input  logic [47:0] x_i,
  output logic [5:0]  count_o
);
  logic [2:0] c6 [8];
  logic [3:0] c12 [4];
  logic [4:0] c24 [2];
  always_comb begin
    for (int g = 0; g < 8; g++) begin
      c6[g] = '0;
      for (int b = 0; b < 6; b++) c6[g] = c6[g] + 3'(x_i[g*6 + b]);
    end
    for (int g = 0; g < 4; g++) c12[g] = 4'(c6[2*g]) + 4'(c6[2*g + 1]);
    for (int g = 0; g < 2; g++) c24[g] = 5'(c12[2*g]) + 5'(c12[2*g + 1]);
    count_o = 6'(c24[0]) + 6'(c24[1]);
  end
endmodule
