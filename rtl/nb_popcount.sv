// Population count of a 48-bit word as a compressor tree: eight 6:3
// counters (a table of six inputs: one LUT6 per output bit), then three
// levels of small adders (3+3 -> 4 bits, 4+4 -> 5, 5+5 -> 6), instead of a
// 48-long ripple of increments.
module nb_popcount (
  input  logic [47:0] x_i,
  output logic [5:0]  count_o
);
  // The 6:3 counter as a truth table, not additions: synthesis maps it to
  // three LUT6 rather than a chain of carries.
  function automatic logic [2:0] pop6(logic [5:0] v);
    unique case (v)
      6'd0: pop6 = 3'd0;
      6'd1: pop6 = 3'd1;
      6'd2: pop6 = 3'd1;
      6'd3: pop6 = 3'd2;
      6'd4: pop6 = 3'd1;
      6'd5: pop6 = 3'd2;
      6'd6: pop6 = 3'd2;
      6'd7: pop6 = 3'd3;
      6'd8: pop6 = 3'd1;
      6'd9: pop6 = 3'd2;
      6'd10: pop6 = 3'd2;
      6'd11: pop6 = 3'd3;
      6'd12: pop6 = 3'd2;
      6'd13: pop6 = 3'd3;
      6'd14: pop6 = 3'd3;
      6'd15: pop6 = 3'd4;
      6'd16: pop6 = 3'd1;
      6'd17: pop6 = 3'd2;
      6'd18: pop6 = 3'd2;
      6'd19: pop6 = 3'd3;
      6'd20: pop6 = 3'd2;
      6'd21: pop6 = 3'd3;
      6'd22: pop6 = 3'd3;
      6'd23: pop6 = 3'd4;
      6'd24: pop6 = 3'd2;
      6'd25: pop6 = 3'd3;
      6'd26: pop6 = 3'd3;
      6'd27: pop6 = 3'd4;
      6'd28: pop6 = 3'd3;
      6'd29: pop6 = 3'd4;
      6'd30: pop6 = 3'd4;
      6'd31: pop6 = 3'd5;
      6'd32: pop6 = 3'd1;
      6'd33: pop6 = 3'd2;
      6'd34: pop6 = 3'd2;
      6'd35: pop6 = 3'd3;
      6'd36: pop6 = 3'd2;
      6'd37: pop6 = 3'd3;
      6'd38: pop6 = 3'd3;
      6'd39: pop6 = 3'd4;
      6'd40: pop6 = 3'd2;
      6'd41: pop6 = 3'd3;
      6'd42: pop6 = 3'd3;
      6'd43: pop6 = 3'd4;
      6'd44: pop6 = 3'd3;
      6'd45: pop6 = 3'd4;
      6'd46: pop6 = 3'd4;
      6'd47: pop6 = 3'd5;
      6'd48: pop6 = 3'd2;
      6'd49: pop6 = 3'd3;
      6'd50: pop6 = 3'd3;
      6'd51: pop6 = 3'd4;
      6'd52: pop6 = 3'd3;
      6'd53: pop6 = 3'd4;
      6'd54: pop6 = 3'd4;
      6'd55: pop6 = 3'd5;
      6'd56: pop6 = 3'd3;
      6'd57: pop6 = 3'd4;
      6'd58: pop6 = 3'd4;
      6'd59: pop6 = 3'd5;
      6'd60: pop6 = 3'd4;
      6'd61: pop6 = 3'd5;
      6'd62: pop6 = 3'd5;
      6'd63: pop6 = 3'd6;
      default: pop6 = 3'd0;
    endcase
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
