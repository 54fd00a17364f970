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
  _ltp_carry #(.N(4), .W(10)) c (.A({CI, CYINIT, DI, S}), .CO(CO), .O(O));
endmodule

module CARRY8 (output [7:0] CO, output [7:0] O, input CI, input CI_TOP, input [7:0] DI, input [7:0] S);
  _ltp_carry #(.N(8), .W(18)) c (.A({CI, CI_TOP, DI, S}), .CO(CO), .O(O));
endmodule

// A carry block of N bits with W inputs: every output a cell of every input.
module _ltp_carry #(parameter N = 4, parameter W = 10) (input [W-1:0] A, output [N-1:0] CO, output [N-1:0] O);
  genvar i;
  for (i = 0; i < N; i = i + 1) begin : b
    \$reduce_or #(.A_SIGNED(0), .A_WIDTH(W), .Y_WIDTH(1)) carry_co (.A(A), .Y(CO[i]));
    \$reduce_or #(.A_SIGNED(0), .A_WIDTH(W), .Y_WIDTH(1)) carry_o (.A(A), .Y(O[i]));
  end
endmodule

// The read ports of a LUT-RAM primitive: read output k is a cell of read
// address k / (outputs per port).
module RAM32M16 (output [1:0] DOA, DOB, DOC, DOD, DOE, DOF, DOG, DOH,
                 input [4:0] ADDRA, ADDRB, ADDRC, ADDRD, ADDRE, ADDRF, ADDRG, ADDRH,
                 input [1:0] DIA, DIB, DIC, DID, DIE, DIF, DIG, DIH, input WCLK, WE);
  _ltp_lutram_reads #(.AW(5), .DW(2)) rd (.A({ADDRH, ADDRG, ADDRF, ADDRE, ADDRD, ADDRC, ADDRB, ADDRA}),
                                          .D({DOH, DOG, DOF, DOE, DOD, DOC, DOB, DOA}));
endmodule

module RAM64M8 (output DOA, DOB, DOC, DOD, DOE, DOF, DOG, DOH,
                input [5:0] ADDRA, ADDRB, ADDRC, ADDRD, ADDRE, ADDRF, ADDRG, ADDRH,
                input DIA, DIB, DIC, DID, DIE, DIF, DIG, DIH, input WCLK, WE);
  _ltp_lutram_reads #(.AW(6), .DW(1)) rd (.A({ADDRH, ADDRG, ADDRF, ADDRE, ADDRD, ADDRC, ADDRB, ADDRA}),
                                          .D({DOH, DOG, DOF, DOE, DOD, DOC, DOB, DOA}));
endmodule

// Eight read ports of AW address bits and DW data bits each.
module _ltp_lutram_reads #(parameter AW = 6, parameter DW = 1) (input [8*AW-1:0] A, output [8*DW-1:0] D);
  genvar i;
  for (i = 0; i < 8 * DW; i = i + 1) begin : r
    wire c;
    _ltp_chain #(.W(AW), .N(6)) ch (.A(A[(i / DW) * AW +: AW]), .Y(c));
    \$reduce_or #(.A_SIGNED(0), .A_WIDTH(1), .Y_WIDTH(1)) lutram_o (.A(c), .Y(D[i]));
  end
endmodule
