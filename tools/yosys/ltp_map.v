// Techmap for path-depth analysis (used by `neuroblend synth`, not for
// synthesis): after synth_xilinx, the combinational Xilinx cells become Yosys
// internal cells so that `ltp` can follow paths through them. The script
// deletes the flip-flops, block RAMs, DSP48E2 slices and shift registers
// first, so every path starts and ends at one of them (or at a port).
//   - LUTn, INV: one cell `lut` (one logic level);
//   - MUXF7/8/9: one cell `muxf` per output (the slice's wide-function muxes);
//   - CARRY4: one cell `carry` per output (each output depends on every
//     input; a chain of n CARRY4 counts n levels);
//   - distributed RAM: the read is asynchronous, so each read output is a cell
//     `lutram` of its read address (the write side is sequential).
// The cell names are what the path report counts.
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
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(N), .Y_WIDTH(1)) lut (.A(in[N-1:0]), .Y(O));
endmodule

module INV (output O, input I);
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lut (.A(I), .Y(O));
endmodule

(* techmap_celltype = "MUXF7 MUXF8 MUXF9" *)
module _ltp_muxf (output O, input I0, I1, S);
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(3), .Y_WIDTH(1)) muxf (.A({S, I1, I0}), .Y(O));
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
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(5), .Y_WIDTH(1)) lutram_a0 (.A(ADDRA), .Y(DOA[0]));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(5), .Y_WIDTH(1)) lutram_a1 (.A(ADDRA), .Y(DOA[1]));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(5), .Y_WIDTH(1)) lutram_b0 (.A(ADDRB), .Y(DOB[0]));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(5), .Y_WIDTH(1)) lutram_b1 (.A(ADDRB), .Y(DOB[1]));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(5), .Y_WIDTH(1)) lutram_c0 (.A(ADDRC), .Y(DOC[0]));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(5), .Y_WIDTH(1)) lutram_c1 (.A(ADDRC), .Y(DOC[1]));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(5), .Y_WIDTH(1)) lutram_d0 (.A(ADDRD), .Y(DOD[0]));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(5), .Y_WIDTH(1)) lutram_d1 (.A(ADDRD), .Y(DOD[1]));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(5), .Y_WIDTH(1)) lutram_e0 (.A(ADDRE), .Y(DOE[0]));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(5), .Y_WIDTH(1)) lutram_e1 (.A(ADDRE), .Y(DOE[1]));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(5), .Y_WIDTH(1)) lutram_f0 (.A(ADDRF), .Y(DOF[0]));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(5), .Y_WIDTH(1)) lutram_f1 (.A(ADDRF), .Y(DOF[1]));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(5), .Y_WIDTH(1)) lutram_g0 (.A(ADDRG), .Y(DOG[0]));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(5), .Y_WIDTH(1)) lutram_g1 (.A(ADDRG), .Y(DOG[1]));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(5), .Y_WIDTH(1)) lutram_h0 (.A(ADDRH), .Y(DOH[0]));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(5), .Y_WIDTH(1)) lutram_h1 (.A(ADDRH), .Y(DOH[1]));
endmodule

module RAM64M8 (output DOA, DOB, DOC, DOD, DOE, DOF, DOG, DOH,
                input [5:0] ADDRA, ADDRB, ADDRC, ADDRD, ADDRE, ADDRF, ADDRG, ADDRH,
                input DIA, DIB, DIC, DID, DIE, DIF, DIG, DIH, input WCLK, WE);
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(6), .Y_WIDTH(1)) lutram_a (.A(ADDRA), .Y(DOA));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(6), .Y_WIDTH(1)) lutram_b (.A(ADDRB), .Y(DOB));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(6), .Y_WIDTH(1)) lutram_c (.A(ADDRC), .Y(DOC));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(6), .Y_WIDTH(1)) lutram_d (.A(ADDRD), .Y(DOD));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(6), .Y_WIDTH(1)) lutram_e (.A(ADDRE), .Y(DOE));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(6), .Y_WIDTH(1)) lutram_f (.A(ADDRF), .Y(DOF));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(6), .Y_WIDTH(1)) lutram_g (.A(ADDRG), .Y(DOG));
  \$reduce_or #(.A_SIGNED(0), .A_WIDTH(6), .Y_WIDTH(1)) lutram_h (.A(ADDRH), .Y(DOH));
endmodule
