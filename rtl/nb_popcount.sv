// Population count of a 48-bit word: an adder tree in LUTs.
module nb_popcount (
  input  logic [47:0] x_i,
  output logic [5:0]  count_o
);
  always_comb begin
    count_o = '0;
    for (int i = 0; i < 48; i++) count_o = count_o + 6'(x_i[i]);
  end
endmodule
