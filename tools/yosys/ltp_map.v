// Techmap for path-depth analysis (used by `neuroblend synth`, not for
// synthesis): after synth_xilinx, the combinational Xilinx cells become Yosys
// internal cells so that `ltp` can follow paths through them. The script
// deletes the flip-flops, block RAMs, DSP48E2 slices and shift registers
// first, so every path starts and ends at one of them (or at a port).
//   - LUTn, INV: a cell `lut` (one logic level);
//   - MUXF7/8/9: a cell `muxf` per output (the slice's wide-function muxes);
//   - CARRY4: a cell `carry_o`/`carry_co` per output (each output depends on
//     every input; a chain of n CARRY4 counts n);
//   - distributed RAM: the read is asynchronous, so each read output is a cell
//     `lutram_*` of its read address (the write side is sequential).
// `ltp` counts cells, not delay, so each kind is preceded by a chain of
// `dly` cells: a path's length is its delay in units of about 0.1 ns on
// UltraScale+ (LUT with its routing 5, LUT-RAM read 7, MUXF 2, CARRY4 1), and
// the path `ltp` finds is the slowest, not the one with the most cells. The
// named cells are what the path report counts.
module _ltp_chain #(parameter W = 1, parameter N = 1) (input [W-1:0] A, output Y);
  wire [N-1:0] d;
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(W), .Y_WIDTH(1)) dly (.A(A), .Y(d[0]));
  genvar i;
  for (i = 1; i < N; i = i + 1) begin : s
    \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) dly (.A(d[i-1]), .Y(d[i]));
  end
  assign Y = d[N-1];
endmodule

(* techmap_celltype = "LUT1 LUT2 LUT3 LUT4 LUT5 LUT6" *)
module _ltp_lut (O, I0, I1, I2, I3, I4, I5);
  parameter _TECHMAP_CELLTYPE_ = "";
  parameter INIT = 0;
  output O;
  input I0, I1, I2, I3, I4, I5;
  localparam N = _TECHMAP_CELLTYPE_ == "LUT1" ? 1 : _TECHMAP_CELLTYPE_ == "LUT2" ? 2 :
                 _TECHMAP_CELLTYPE_ == "LUT3" ? 3 : _TECHMAP_CELLTYPE_ == "LUT4" ? 4 :
                 _TECHMAP_CELLTYPE_ == "LUT5" ? 5 : 6;
  wire [5:0] in = {I5, I4, I3, I2, I1, I0};
  wire c;
  _ltp_chain #(.W(N), .N(4)) ch (.A(in[N-1:0]), .Y(c));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lut (.A(c), .Y(O));
endmodule

module INV (output O, input I);
  wire c;
  _ltp_chain #(.W(1), .N(4)) ch (.A(I), .Y(c));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lut (.A(c), .Y(O));
endmodule

(* techmap_celltype = "MUXF7 MUXF8 MUXF9" *)
module _ltp_muxf (output O, input I0, I1, S);
  wire c;
  _ltp_chain #(.W(3), .N(1)) ch (.A({S, I1, I0}), .Y(c));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) muxf (.A(c), .Y(O));
endmodule

module CARRY4 (output [3:0] CO, output [3:0] O, input CI, input CYINIT, input [3:0] DI, input [3:0] S);
  wire [9:0] in = {CI, CYINIT, DI, S};
  genvar i;
  for (i = 0; i < 4; i = i + 1) begin : b
    \$reduce_or #(.A_SIGNED(0), .A_WIDTH(10), .Y_WIDTH(1)) carry_co (.A(in), .Y(CO[i]));
    \$reduce_or #(.A_SIGNED(0), .A_WIDTH(10), .Y_WIDTH(1)) carry_o (.A(in), .Y(O[i]));
  end
endmodule

module CARRY8 (output [7:0] CO, output [7:0] O, input CI, input CI_TOP, input [7:0] DI, input [7:0] S);
  wire [17:0] in = {CI, CI_TOP, DI, S};
  genvar i;
  for (i = 0; i < 8; i = i + 1) begin : b
    \$reduce_or #(.A_SIGNED(0), .A_WIDTH(18), .Y_WIDTH(1)) carry_co (.A(in), .Y(CO[i]));
    \$reduce_or #(.A_SIGNED(0), .A_WIDTH(18), .Y_WIDTH(1)) carry_o (.A(in), .Y(O[i]));
  end
endmodule

module RAM32M16 (output [1:0] DOA, DOB, DOC, DOD, DOE, DOF, DOG, DOH,
                 input [4:0] ADDRA, ADDRB, ADDRC, ADDRD, ADDRE, ADDRF, ADDRG, ADDRH,
                 input [1:0] DIA, DIB, DIC, DID, DIE, DIF, DIG, DIH, input WCLK, WE);
  wire c_lutram_a0, c_lutram_a1, c_lutram_b0, c_lutram_b1, c_lutram_c0, c_lutram_c1, c_lutram_d0, c_lutram_d1;
  wire c_lutram_e0, c_lutram_e1, c_lutram_f0, c_lutram_f1, c_lutram_g0, c_lutram_g1, c_lutram_h0, c_lutram_h1;
  _ltp_chain #(.W(5), .N(6)) ch_lutram_a0 (.A(ADDRA), .Y(c_lutram_a0));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_a0 (.A(c_lutram_a0), .Y(DOA[0]));
  _ltp_chain #(.W(5), .N(6)) ch_lutram_a1 (.A(ADDRA), .Y(c_lutram_a1));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_a1 (.A(c_lutram_a1), .Y(DOA[1]));
  _ltp_chain #(.W(5), .N(6)) ch_lutram_b0 (.A(ADDRB), .Y(c_lutram_b0));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_b0 (.A(c_lutram_b0), .Y(DOB[0]));
  _ltp_chain #(.W(5), .N(6)) ch_lutram_b1 (.A(ADDRB), .Y(c_lutram_b1));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_b1 (.A(c_lutram_b1), .Y(DOB[1]));
  _ltp_chain #(.W(5), .N(6)) ch_lutram_c0 (.A(ADDRC), .Y(c_lutram_c0));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_c0 (.A(c_lutram_c0), .Y(DOC[0]));
  _ltp_chain #(.W(5), .N(6)) ch_lutram_c1 (.A(ADDRC), .Y(c_lutram_c1));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_c1 (.A(c_lutram_c1), .Y(DOC[1]));
  _ltp_chain #(.W(5), .N(6)) ch_lutram_d0 (.A(ADDRD), .Y(c_lutram_d0));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_d0 (.A(c_lutram_d0), .Y(DOD[0]));
  _ltp_chain #(.W(5), .N(6)) ch_lutram_d1 (.A(ADDRD), .Y(c_lutram_d1));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_d1 (.A(c_lutram_d1), .Y(DOD[1]));
  _ltp_chain #(.W(5), .N(6)) ch_lutram_e0 (.A(ADDRE), .Y(c_lutram_e0));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_e0 (.A(c_lutram_e0), .Y(DOE[0]));
  _ltp_chain #(.W(5), .N(6)) ch_lutram_e1 (.A(ADDRE), .Y(c_lutram_e1));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_e1 (.A(c_lutram_e1), .Y(DOE[1]));
  _ltp_chain #(.W(5), .N(6)) ch_lutram_f0 (.A(ADDRF), .Y(c_lutram_f0));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_f0 (.A(c_lutram_f0), .Y(DOF[0]));
  _ltp_chain #(.W(5), .N(6)) ch_lutram_f1 (.A(ADDRF), .Y(c_lutram_f1));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_f1 (.A(c_lutram_f1), .Y(DOF[1]));
  _ltp_chain #(.W(5), .N(6)) ch_lutram_g0 (.A(ADDRG), .Y(c_lutram_g0));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_g0 (.A(c_lutram_g0), .Y(DOG[0]));
  _ltp_chain #(.W(5), .N(6)) ch_lutram_g1 (.A(ADDRG), .Y(c_lutram_g1));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_g1 (.A(c_lutram_g1), .Y(DOG[1]));
  _ltp_chain #(.W(5), .N(6)) ch_lutram_h0 (.A(ADDRH), .Y(c_lutram_h0));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_h0 (.A(c_lutram_h0), .Y(DOH[0]));
  _ltp_chain #(.W(5), .N(6)) ch_lutram_h1 (.A(ADDRH), .Y(c_lutram_h1));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_h1 (.A(c_lutram_h1), .Y(DOH[1]));
endmodule

module RAM64M8 (output DOA, DOB, DOC, DOD, DOE, DOF, DOG, DOH,
                input [5:0] ADDRA, ADDRB, ADDRC, ADDRD, ADDRE, ADDRF, ADDRG, ADDRH,
                input DIA, DIB, DIC, DID, DIE, DIF, DIG, DIH, input WCLK, WE);
  wire c_lutram_a, c_lutram_b, c_lutram_c, c_lutram_d, c_lutram_e, c_lutram_f, c_lutram_g, c_lutram_h;
  _ltp_chain #(.W(6), .N(6)) ch_lutram_a (.A(ADDRA), .Y(c_lutram_a));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_a (.A(c_lutram_a), .Y(DOA));
  _ltp_chain #(.W(6), .N(6)) ch_lutram_b (.A(ADDRB), .Y(c_lutram_b));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_b (.A(c_lutram_b), .Y(DOB));
  _ltp_chain #(.W(6), .N(6)) ch_lutram_c (.A(ADDRC), .Y(c_lutram_c));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_c (.A(c_lutram_c), .Y(DOC));
  _ltp_chain #(.W(6), .N(6)) ch_lutram_d (.A(ADDRD), .Y(c_lutram_d));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_d (.A(c_lutram_d), .Y(DOD));
  _ltp_chain #(.W(6), .N(6)) ch_lutram_e (.A(ADDRE), .Y(c_lutram_e));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_e (.A(c_lutram_e), .Y(DOE));
  _ltp_chain #(.W(6), .N(6)) ch_lutram_f (.A(ADDRF), .Y(c_lutram_f));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_f (.A(c_lutram_f), .Y(DOF));
  _ltp_chain #(.W(6), .N(6)) ch_lutram_g (.A(ADDRG), .Y(c_lutram_g));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_g (.A(c_lutram_g), .Y(DOG));
  _ltp_chain #(.W(6), .N(6)) ch_lutram_h (.A(ADDRH), .Y(c_lutram_h));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_h (.A(c_lutram_h), .Y(DOH));
endmodule
